package main

import (
	"testing"
	"testing/synctest"
	"time"
)

// TestLogBuffer: lines wait at most a second, and Close writes them at
// once; the clock is synctest's.
func TestLogBuffer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out lockedBuffer
		b := newLogBuffer(&out)
		b.Write([]byte("one\n"))
		b.Write([]byte("two\n"))
		if out.String() != "" {
			t.Fatalf("written at once: %q", out.String())
		}
		time.Sleep(time.Second - time.Millisecond)
		if out.String() != "" {
			t.Fatalf("written before a second: %q", out.String())
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if out.String() != "one\ntwo\n" {
			t.Fatalf("after a second: %q", out.String())
		}
		b.Write([]byte("three\n"))
		if err := b.Close(); err != nil || out.String() != "one\ntwo\nthree\n" {
			t.Fatalf("after Close: %q, %v", out.String(), err)
		}
	})
}
