package schedule

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Hubs pings WebSub hubs when the feed changed, so that apps subscribed
// through a hub learn of a new episode in seconds instead of at their next
// poll. A nil *Hubs does nothing.
type Hubs struct {
	URLs    []string
	Topic   string // the feed's public URL
	Client  *http.Client
	Logger  *slog.Logger
	Tries   int           // attempts per hub; default 4
	Backoff time.Duration // before the second attempt, doubling; default 2s

	wg sync.WaitGroup
}

// Ping notifies every hub in the background; Wait waits for it.
func (h *Hubs) Ping(ctx context.Context) {
	if h == nil {
		return
	}
	for _, hub := range h.URLs {
		h.wg.Go(func() { h.ping(ctx, hub) })
	}
}

// Wait waits for pings in flight.
func (h *Hubs) Wait() {
	if h != nil {
		h.wg.Wait()
	}
}

func (h *Hubs) ping(ctx context.Context, hub string) {
	log := h.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tries, wait := h.Tries, h.Backoff
	if tries <= 0 {
		tries = 4
	}
	if wait <= 0 {
		wait = 2 * time.Second
	}
	for i := 1; ; i++ {
		retry, err := h.post(ctx, hub)
		if err == nil {
			log.Info("websub hub notified", "hub", hub)
			return
		}
		if !retry || i == tries {
			log.Warn("websub hub not notified", "hub", hub, "attempts", i, "error", err)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// post sends one publish notification; retry says whether trying again
// may help (network trouble, 5xx, 429).
func (h *Hubs) post(ctx context.Context, hub string) (retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {h.Topic}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hub, strings.NewReader(form.Encode()))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return true, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		return false, nil
	}
	return resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests, fmt.Errorf("hub answered %s", resp.Status)
}
