package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/castfeed/castfeed/internal/publish"
)

// inputsDigest digests what a build reads besides its own state: the
// config, castfeed itself, every file beside the episodes (episode and
// caption files: name, size, mtime) and media file. It is taken once,
// before reading, so a file edited while a build runs looks changed to
// the next one.
func inputsDigest(opt Options) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "castfeed %s\nconfig %s\noffline %v\ntranscripts %v\n", opt.Version, opt.ConfigDigest, opt.Offline, opt.Transcripts != nil)
	if exe, err := os.Executable(); err == nil {
		statInto(h, exe)
	}
	if err := dirInto(h, opt.Config.Episodes.Dir, false); err != nil {
		return "", err
	}
	if opt.Config.Media.Dir != "" {
		dirInto(h, opt.Config.Media.Dir, false)
	}
	if img := opt.Config.Podcast.Image; img != "" {
		statInto(h, img)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fingerprint adds to inputs the state that transcripts and HEAD lookups
// leave. Equal fingerprints mean an equal output, so an unchanged nightly
// refresh does no work.
func fingerprint(inputs string, opt Options) string {
	h := sha256.New()
	fmt.Fprintf(h, "inputs %s\n", inputs)
	dirInto(h, filepath.Join(opt.Config.State.Dir, "transcripts"), true)
	statInto(h, filepath.Join(opt.Config.State.Dir, "lengths.json"))
	return hex.EncodeToString(h.Sum(nil))
}

func statInto(h hash.Hash, name string) {
	fi, err := os.Stat(name)
	if err != nil {
		fmt.Fprintf(h, "%s missing\n", name)
		return
	}
	fmt.Fprintf(h, "%s %d %d\n", name, fi.Size(), fi.ModTime().UnixNano())
}

func dirInto(h hash.Hash, dir string, recursive bool) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if p != dir && !recursive {
				return filepath.SkipDir
			}
			return nil
		}
		statInto(h, p)
		return nil
	})
}

// outputStamp identifies the published folder as the last build left it;
// if someone deletes or edits it, the next refresh rebuilds.
func outputStamp(dir string) string {
	h := sha256.New()
	statInto(h, dir)
	for _, n := range []string{"feed.xml", "feed.atom", "feed.json"} {
		statInto(h, filepath.Join(dir, n))
	}
	if fi, err := os.Stat(dir); err == nil {
		if ino, ok := publish.Inode(fi); ok {
			fmt.Fprintf(h, "inode %d\n", ino)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func outputIntact(dir, stamp string) bool {
	return stamp != "" && outputStamp(dir) == stamp
}
