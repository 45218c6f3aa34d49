package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/castfeed/castfeed/internal/publish"
)

// inputsDigest digests what a build reads besides its own state: the
// config, castfeed itself, every file beside the episodes (episode and
// caption files: name, size, mtime) and media file. It is taken once,
// before reading, so a file edited while a build runs looks changed to
// the next one. media is media.dir as listed for this build.
func inputsDigest(ctx context.Context, opt Options, media mediaIndex) (string, error) {
	h := sha256.New()
	binaryInto(h, opt)
	fmt.Fprintf(h, "config %s\noffline %v\ntranscripts %v\n", opt.Config.Digest, opt.Offline, opt.Transcripts != nil)
	if err := dirInto(ctx, h, opt.Config.Episodes.Dir, false); err != nil {
		return "", err
	}
	media.digestInto(h)
	if img := opt.Config.Podcast.Image; img != "" {
		statInto(h, img)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// binaryInto adds to h what identifies this castfeed: its version and its
// executable's stat. A new castfeed may write different bytes for the
// same input, so the first build after an upgrade sees every input (and
// every cached item, see itemSalt) as changed: it costs a cold build, no
// more, and later builds are incremental again.
func binaryInto(h io.Writer, opt Options) {
	fmt.Fprintf(h, "castfeed %s\n", opt.Version)
	if exe, err := os.Executable(); err == nil {
		statInto(h, exe)
	}
}

// itemSalt digests what every item's encoding depends on besides the
// item: the castfeed binary and the whole config (the config file's
// digest, and the config as loaded, which tests and callers may set in
// code).
func itemSalt(opt Options) (salt [sha256.Size]byte, err error) {
	cfg, err := json.Marshal(opt.Config)
	if err != nil {
		return salt, err
	}
	h := sha256.New()
	binaryInto(h, opt)
	fmt.Fprintf(h, "config %s\n", opt.Config.Digest)
	h.Write(cfg)
	h.Sum(salt[:0])
	return salt, nil
}

// fingerprint adds to inputs the state that transcripts and HEAD lookups
// leave. Equal fingerprints mean an equal output, so an unchanged nightly
// refresh does no work.
func fingerprint(inputs string, opt Options) string {
	h := sha256.New()
	fmt.Fprintf(h, "inputs %s\n", inputs)
	dirInto(context.Background(), h, filepath.Join(opt.Config.State.Dir, "transcripts"), true)
	statInto(h, filepath.Join(opt.Config.State.Dir, "lengths.json"))
	return hex.EncodeToString(h.Sum(nil))
}

func statInto(h io.Writer, name string) {
	fi, err := os.Stat(name)
	if err != nil {
		fmt.Fprintf(h, "%s missing\n", name)
		return
	}
	fmt.Fprintf(h, "%s %d %d\n", name, fi.Size(), fi.ModTime().UnixNano())
}

// dirInto adds the files of dir to h; it stops when ctx is done.
func dirInto(ctx context.Context, h hash.Hash, dir string, recursive bool) error {
	n := 0
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if n++; n%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
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
// if someone deletes or edits it, the next refresh rebuilds. A publication
// changes files in place, the feeds last (see publish), so a build that
// changed anything left new feeds; one killed before its feeds left the
// folder marked partial.
func outputStamp(dir string) string {
	h := sha256.New()
	statInto(h, dir)
	if publish.Partial(dir) {
		fmt.Fprintf(h, "partial\n")
	}
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
