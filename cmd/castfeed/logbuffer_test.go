package main

import (
	"testing"
	"testing/synctest"
	"time"
)

// TestLogBuffer: lines wait until they pause for logPause, and Close
// writes them at once; the clock is synctest's.
func TestLogBuffer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out lockedBuffer
		b := newLogBuffer(&out)
		b.Write([]byte("one\n"))
		time.Sleep(logPause / 2)
		b.Write([]byte("two\n")) // no pause yet
		time.Sleep(logPause - time.Millisecond)
		if out.String() != "" {
			t.Fatalf("written before a pause: %q", out.String())
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if out.String() != "one\ntwo\n" {
			t.Fatalf("after a pause: %q", out.String())
		}
		b.Write([]byte("three\n"))
		if err := b.Close(); err != nil || out.String() != "one\ntwo\nthree\n" {
			t.Fatalf("after Close: %q, %v", out.String(), err)
		}
	})
}
