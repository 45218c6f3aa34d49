package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/castfeed/castfeed/internal/pipeline"
	"github.com/castfeed/castfeed/transcript"
)

const statusUsage = `Usage: castfeed status [--config config.yaml]

Prints the last publish to output.target (a bucket): when, what it
uploaded, skipped and deleted, or the error that stopped it.

Prints what castfeed remembers of each episode's transcript (from the state
folder, without asking YouTube): the outcome of the last attempt, the
transcript kept, when the next attempt is due, and the last error with
what to do about it. Use it when transcripts are missing: a "blocked"
outcome means YouTube refuses this server (see README, "Transcripts").
`

func runStatus(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("status", statusUsage, e)
	configPath := fs.String("config", "config.yaml", "config file")
	if err := parseFlags(fs, "status", args); err != nil {
		return err
	}
	cfg, err := loadConfig(*configPath, e.getenv)
	if err != nil {
		return err
	}
	if err := printLastPublish(e.stdout, cfg.State.Dir); err != nil {
		return err
	}
	sts, err := transcript.ReadStatus(filepath.Join(cfg.State.Dir, "transcripts"))
	if err != nil {
		return err
	}
	if len(sts) == 0 {
		fmt.Fprintln(e.stdout, "no transcript fetched or attempted yet; run castfeed build")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EPISODE\tVIDEO\tLAST OUTCOME\tKEPT\tNEXT ATTEMPT\tLAST ERROR")
	for _, s := range sts {
		kept := "-"
		if s.Language != "" {
			kept = fmt.Sprintf("%s %s (%s)", s.Language, s.Kind, s.FetchedAt.UTC().Format(time.DateOnly))
		}
		next := "-"
		if !s.NextAttempt.IsZero() {
			next = s.NextAttempt.UTC().Format("2006-01-02 15:04 UTC")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Slug, s.VideoID, s.Outcome, kept, next, s.LastError)
	}
	return tw.Flush()
}

// printLastPublish prints the record of the last publish to the target.
func printLastPublish(w io.Writer, stateDir string) error {
	r, err := pipeline.LastPublish(stateDir)
	if err != nil || r == nil {
		return err
	}
	fmt.Fprintf(w, "last publish to %s: %s, %d uploaded (%d bytes), %d unchanged, %d deleted, %d unreferenced kept, %d requests in %s\n",
		r.Target, r.Ended().UTC().Format("2006-01-02 15:04 UTC"), r.Uploaded, r.Bytes, r.Skipped, r.Deleted, r.Unreferenced, r.Requests, r.Duration.Round(time.Millisecond))
	if !r.DeletionsDue.IsZero() {
		fmt.Fprintf(w, "  objects no feed names are kept until %s (output.s3.delete_after)\n", r.DeletionsDue.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if r.Error != "" {
		fmt.Fprintf(w, "  it failed: %s\n", r.Error)
	}
	return nil
}
