// Package sharedtest finds, for tests, the real GeeksBlaBla episode files
// kept in shared/fixtures beside the repository (they are test input, not
// project content, so a clone of castfeed alone does not have them).
//
// A test over them that cannot find them says so and is skipped on a
// developer's machine, so the README's test command works in a fresh
// clone; with the environment variable CI set it fails instead, so CI
// never passes without having run them.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Fixtures returns the folder of the real episode files,
// shared/fixtures/geeksblabla beside the module's root. When it is
// missing, tb is skipped with a message naming the folder, or failed when
// CI is set.
func Fixtures(tb testing.TB) string {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		tb.Fatalf("find the module root: %v", err)
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "fixtures", "geeksblabla")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		missing(tb, dir)
	}
	return dir
}

// missing skips or, under CI, fails tb.
func missing(tb testing.TB, dir string) {
	tb.Helper()
	msg := "NOT RUN: the real episode fixtures are not at " + dir + " (shared/ must sit beside the repository)"
	if os.Getenv("CI") != "" {
		tb.Fatal(msg + "; CI is set, so this is a failure")
	}
	tb.Skip(msg)
}

// moduleRoot is the nearest folder above the working directory (a test's
// package folder) holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", os.ErrNotExist
		}
	}
}
