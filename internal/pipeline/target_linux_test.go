package pipeline

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/castfeed/castfeed/internal/publish"
)

// TestOnePublisherAtATime: a second castfeed publishing the same show
// while one does is refused, and says why (the lock is flock(2), which
// only the Linux build takes; see publish/sys_other.go).
func TestOnePublisherAtATime(t *testing.T) {
	opt := exampleShow(t)
	var second error
	opt.Target = syncFunc(func(ctx context.Context, src publish.Source) (publish.Report, error) {
		other := opt
		other.Target = syncFunc(func(context.Context, publish.Source) (publish.Report, error) {
			t.Error("two publishes ran at once")
			return publish.Report{}, nil
		})
		second = syncTarget(ctx, other, slog.New(slog.DiscardHandler), &Result{}, false)
		return publish.Report{}, nil
	})
	if _, err := Run(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	if second == nil || !strings.Contains(second.Error(), "another castfeed is publishing") {
		t.Errorf("a publish during another: %v; want it refused", second)
	}
}
