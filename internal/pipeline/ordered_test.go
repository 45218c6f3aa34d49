package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

func TestOrdered(t *testing.T) {
	for _, c := range []struct{ n, workers, window int }{
		{0, 2, 4}, {1, 1, 1}, {7, 3, 1}, {100, 4, 8}, {1000, 2, 4},
	} {
		t.Run(fmt.Sprintf("n%d_w%d_win%d", c.n, c.workers, c.window), func(t *testing.T) {
			var inFlight, peak atomic.Int64
			var got []int
			err := ordered(context.Background(), c.n, c.workers, c.window,
				func(job int, slot *[]int) error {
					if v := inFlight.Add(1); v > peak.Load() {
						peak.Store(v)
					}
					*slot = append((*slot)[:0], job, job*job)
					return nil
				},
				func(job int, slot *[]int) error {
					inFlight.Add(-1)
					if len(*slot) != 2 || (*slot)[0] != job || (*slot)[1] != job*job {
						return fmt.Errorf("job %d emitted with slot %v", job, *slot)
					}
					got = append(got, job)
					return nil
				})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != c.n {
				t.Fatalf("emitted %d jobs, want %d", len(got), c.n)
			}
			for i, j := range got {
				if i != j {
					t.Fatalf("emitted job %d at position %d: out of order", j, i)
				}
			}
			if win := int64(max(c.window, c.workers, 1)); peak.Load() > win {
				t.Errorf("%d results in flight, more than the window %d", peak.Load(), win)
			}
		})
	}
}

// TestOrderedStops: an error of work or emit, or a cancellation, ends the
// run promptly with that error and no goroutine left running.
func TestOrderedStops(t *testing.T) {
	boom := errors.New("boom")
	for _, c := range []struct {
		name string
		work func(job int, slot *int) error
		emit func(job int, slot *int) error
		ctx  func() context.Context
		want error
	}{
		{"work fails", func(job int, _ *int) error {
			if job == 500 {
				return boom
			}
			return nil
		}, nil, nil, boom},
		{"emit fails", nil, func(job int, _ *int) error {
			if job == 500 {
				return boom
			}
			return nil
		}, nil, boom},
		{"cancelled", nil, nil, func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, context.Canceled},
	} {
		t.Run(c.name, func(t *testing.T) {
			var running atomic.Int64
			work := func(job int, slot *int) error {
				running.Add(1)
				defer running.Add(-1)
				if c.work != nil {
					return c.work(job, slot)
				}
				return nil
			}
			emit := func(job int, slot *int) error {
				if c.emit != nil {
					return c.emit(job, slot)
				}
				return nil
			}
			ctx := context.Background()
			if c.ctx != nil {
				ctx = c.ctx()
			}
			done := make(chan error, 1)
			go func() { done <- ordered(ctx, 100000, 4, 8, work, emit) }()
			select {
			case err := <-done:
				if !errors.Is(err, c.want) {
					t.Fatalf("err = %v; want %v", err, c.want)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("ordered did not return")
			}
			if n := running.Load(); n != 0 {
				t.Errorf("%d workers still running after return", n)
			}
		})
	}
}
