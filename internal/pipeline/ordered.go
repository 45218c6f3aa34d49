package pipeline

import (
	"context"
	"sync"
)

// ordered runs work on n jobs on workers goroutines and hands each
// result to emit in job order, on the caller's goroutine. At most window
// results are in flight (done but not yet emitted, or being worked on);
// their slots are reused, so a long run allocates window slots in all.
// It returns the first error of work or emit, or ctx's; either way every
// goroutine it started has returned, so none touches what work or emit
// use afterwards.
//
// This is how the feeds are written: items are encoded on every core
// while the feed files are appended to in feed order, and the feeds are
// never whole in memory.
func ordered[T any](ctx context.Context, n, workers, window int, work func(job int, slot *T) error, emit func(job int, slot *T) error) error {
	if n == 0 {
		return ctx.Err()
	}
	workers, window = max(workers, 1), max(window, workers, 1)
	type result struct {
		slot *T
		err  error
		done chan struct{}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	results := make([]result, n)
	for i := range results {
		results[i].done = make(chan struct{})
	}
	free := make(chan *T, window)
	for range window {
		free <- new(T)
	}
	next := make(chan int)
	wg.Go(func() {
		defer close(next)
		for i := range results {
			select {
			case results[i].slot = <-free:
			case <-ctx.Done():
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	})
	for range workers {
		wg.Go(func() {
			for i := range next {
				r := &results[i]
				if ctx.Err() == nil {
					r.err = work(i, r.slot)
				}
				close(r.done)
			}
		})
	}
	for i := range results {
		r := &results[i]
		select {
		case <-r.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if r.err != nil {
			return r.err
		}
		if err := emit(i, r.slot); err != nil {
			return err
		}
		free <- r.slot
		r.slot = nil
	}
	return ctx.Err()
}
