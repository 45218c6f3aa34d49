package main

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

const healthcheckUsage = `Usage: castfeed healthcheck [--url http://127.0.0.1:8080/healthz]

Asks a running "castfeed serve" whether it is alive and exits 0 if so, 1
otherwise. The Docker image's HEALTHCHECK uses it: the image has no shell
and no curl.
`

func runHealthcheck(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("healthcheck", healthcheckUsage, e)
	url := fs.String("url", "http://127.0.0.1:8080/healthz", "health endpoint to ask")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := parseFlags(fs, "healthcheck", args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return &usageError{msg: fmt.Sprintf("--url: %v", err), cmd: "healthcheck"}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: %s answered %s", *url, resp.Status)
	}
	fmt.Fprintln(e.stdout, "healthy")
	return nil
}
