package publish

import (
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func publish(t *testing.T, dir string, files map[string]string) bool {
	t.Helper()
	tx, err := Begin(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := tx.WriteFile(n, []byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	changed, err := tx.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return changed
}

func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	names, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}

// settled is what a finished publication leaves beside the folder: the
// list of its files and the lock.
var settled = []string{".public.files", ".public.lock", "public"}

func siblings(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestPublish(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	v1 := map[string]string{"feed.xml": "<rss>1</rss>", "episodes/a/chapters.json": "{}", "episodes/b/chapters.json": "[]"}
	if !publish(t, dir, v1) {
		t.Fatal("first publish reported no change")
	}
	if got := readAll(t, dir); !equal(got, v1) {
		t.Fatalf("published %v, want %v", got, v1)
	}
	before := stat(t, filepath.Join(dir, "episodes/a/chapters.json"))

	t.Run("same input touches nothing", func(t *testing.T) {
		dirInfo := stat(t, dir)
		if publish(t, dir, v1) {
			t.Error("republishing the same files reported a change")
		}
		if after := stat(t, dir); !os.SameFile(dirInfo, after) || !after.ModTime().Equal(dirInfo.ModTime()) {
			t.Error("the folder was replaced although nothing changed")
		}
		if got := siblings(t, dir); !slices.Equal(got, settled) {
			t.Errorf("left behind: %v", got)
		}
	})

	t.Run("one change keeps unchanged files as they were", func(t *testing.T) {
		v2 := map[string]string{"feed.xml": "<rss>2</rss>", "episodes/a/chapters.json": "{}", "episodes/b/chapters.json": "[]"}
		if !publish(t, dir, v2) {
			t.Fatal("change not reported")
		}
		if got := readAll(t, dir); !equal(got, v2) {
			t.Fatalf("published %v, want %v", got, v2)
		}
		after := stat(t, filepath.Join(dir, "episodes/a/chapters.json"))
		if !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
			t.Error("an unchanged file was rewritten: its Last-Modified would move")
		}
		if got := siblings(t, dir); !slices.Equal(got, settled) {
			t.Errorf("left behind: %v", got)
		}
	})

	t.Run("a removed file is a change", func(t *testing.T) {
		v3 := map[string]string{"feed.xml": "<rss>2</rss>", "episodes/a/chapters.json": "{}"}
		if !publish(t, dir, v3) {
			t.Fatal("removal not reported")
		}
		if got := readAll(t, dir); !equal(got, v3) {
			t.Fatalf("published %v, want %v", got, v3)
		}
	})

	t.Run("abort keeps the published version", func(t *testing.T) {
		want := readAll(t, dir)
		tx, err := Begin(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.WriteFile("feed.xml", []byte("half")); err != nil {
			t.Fatal(err)
		}
		tx.Abort()
		if got := readAll(t, dir); !equal(got, want) {
			t.Errorf("after abort %v, want %v", got, want)
		}
	})

	t.Run("second publisher is refused", func(t *testing.T) {
		tx, err := Begin(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Abort()
		if _, err := Begin(dir); err == nil || !strings.Contains(err.Error(), "another castfeed") {
			t.Errorf("second Begin: %v, want a lock error", err)
		}
	})
}

func TestBadNames(t *testing.T) {
	tx, err := Begin(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Abort()
	for _, n := range []string{"../x", "/abs", "a/../../b", ""} {
		if err := tx.WriteFile(n, nil); err == nil {
			t.Errorf("WriteFile(%q) accepted a name outside the folder", n)
		}
	}
}

// TestKilledBuild runs a publisher in a child process, kills it with
// SIGKILL while it is writing, and checks that the published folder is
// intact and that the next publication succeeds and cleans up.
func TestKilledBuild(t *testing.T) {
	if os.Getenv("CASTFEED_PUBLISH_CHILD") != "" {
		child(os.Getenv("CASTFEED_PUBLISH_CHILD"))
		return
	}
	dir := filepath.Join(t.TempDir(), "public")
	v1 := map[string]string{"feed.xml": "<rss>good</rss>", "episodes/a/chapters.json": "{}"}
	publish(t, dir, v1)

	killChild(t, "TestKilledBuild", "CASTFEED_PUBLISH_CHILD="+dir, "ready")

	if got := readAll(t, dir); !equal(got, v1) {
		t.Fatalf("after kill -9 the folder holds %v, want %v", got, v1)
	}
	v2 := map[string]string{"feed.xml": "<rss>next</rss>", "episodes/a/chapters.json": "{}"}
	if !publish(t, dir, v2) {
		t.Fatal("next publication reported no change")
	}
	if got := readAll(t, dir); !equal(got, v2) {
		t.Fatalf("next publication gave %v, want %v", got, v2)
	}
	if got := siblings(t, dir); !slices.Equal(got, settled) {
		t.Errorf("leftovers of the killed build: %v", got)
	}
}

// killChild runs test name again in a child process with env set, waits
// until it writes word (it has reached the point to kill it at) and kills
// it with SIGKILL.
func killChild(t *testing.T, name, env, word string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$")
	cmd.Env = append(os.Environ(), env)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(word))
	if _, err := io.ReadFull(out, buf); err != nil || string(buf) != word {
		cmd.Process.Kill()
		t.Fatalf("the child never said %q (%q, %v)", word, buf, err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

func child(dir string) {
	tx, err := Begin(dir)
	if err != nil {
		os.Exit(3)
	}
	tx.WriteFile("feed.xml", []byte("<rss>partial"))
	for i := 0; i < 50; i++ {
		tx.WriteFile(filepath.ToSlash(filepath.Join("episodes", string(rune('b'+i%20))+"x", "f"+string(rune('a'+i/20)))), []byte("x"))
	}
	os.Stdout.WriteString("ready")
	time.Sleep(time.Minute) // killed here, mid-build
	os.Exit(4)
}

func stat(t *testing.T, p string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// stream publishes files, those named in streamed through Create and the
// rest through WriteFile, all from concurrent goroutines.
func stream(t *testing.T, dir string, files map[string]string, streamed ...string) bool {
	t.Helper()
	tx, err := Begin(dir)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(files))
	for name, data := range files {
		wg.Go(func() {
			if !slices.Contains(streamed, name) {
				errs <- tx.WriteFile(name, []byte(data))
				return
			}
			f, err := tx.Create(name)
			if err != nil {
				errs <- err
				return
			}
			for _, line := range strings.SplitAfter(data, "\n") {
				f.WriteString(line)
			}
			errs <- f.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	changed, err := tx.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return changed
}

// TestStreamAndConcurrent: streamed files and files written from many
// goroutines obey the same rules: identical output touches nothing (the
// streamed file keeps its inode), a change replaces the folder.
func TestStreamAndConcurrent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	files := map[string]string{"feed.xml": strings.Repeat("<item>…</item>\n", 50000)}
	for i := range 200 {
		files[fmt.Sprintf("episodes/e%03d/chapters.json", i)] = fmt.Sprint(i)
	}
	if !stream(t, dir, files, "feed.xml") {
		t.Fatal("first publication reported no change")
	}
	if got := readAll(t, dir); !equal(got, files) {
		t.Fatal("published folder differs from what was written")
	}
	before := stat(t, filepath.Join(dir, "feed.xml"))
	if stream(t, dir, files, "feed.xml") {
		t.Error("identical output reported a change")
	}
	if after := stat(t, filepath.Join(dir, "feed.xml")); !os.SameFile(before, after) {
		t.Error("identical output replaced feed.xml")
	}
	if s := siblings(t, dir); !slices.Equal(s, settled) {
		t.Errorf("leftovers beside the folder: %v", s)
	}

	// One episode file changes: the streamed feed is the same file.
	files["episodes/e007/chapters.json"] = "changed"
	if !stream(t, dir, files, "feed.xml") {
		t.Fatal("a changed file reported no change")
	}
	if after := stat(t, filepath.Join(dir, "feed.xml")); !os.SameFile(before, after) {
		t.Error("an unchanged streamed file got a new inode")
	}
	// The streamed file changes (same size, one byte).
	files["feed.xml"] = strings.Replace(files["feed.xml"], "item", "itex", 1)
	if !stream(t, dir, files, "feed.xml") {
		t.Fatal("a changed streamed file reported no change")
	}
	if got := readAll(t, dir); !equal(got, files) {
		t.Fatal("published folder differs from what was written")
	}
}

func TestCommitWithOpenFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	publish(t, dir, map[string]string{"a": "1"})
	tx, err := Begin(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := tx.Create("feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("half")
	if _, err := tx.Commit(); err == nil || !strings.Contains(err.Error(), "feed.xml") {
		t.Fatalf("Commit with an open file: err = %v", err)
	}
	if got := readAll(t, dir); !equal(got, map[string]string{"a": "1"}) {
		t.Errorf("published folder changed: %v", got)
	}
}

// TestWriteKnown: a file the caller vouches for is kept, unread (its
// bytes not even asked for), when the published one has its size, and
// written otherwise, like WriteFile.
func TestWriteKnown(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	publish(t, dir, map[string]string{"a.html": "aaaa", "b.html": "bbbb", "feed.xml": "v1"})
	tx, err := Begin(dir)
	if err != nil {
		t.Fatal(err)
	}
	asked := map[string]bool{}
	for name, data := range map[string]string{
		"a.html":   "AAAA",  // same size: taken as published, as the caller says
		"b.html":   "bbbbb", // another size: written
		"c.html":   "cc",    // new: written
		"feed.xml": "v2",
	} {
		if err := tx.WriteKnown(name, int64(len(data)), func() ([]byte, error) { asked[name] = true; return []byte(data), nil }); err != nil {
			t.Fatal(err)
		}
	}
	if want := map[string]bool{"b.html": true, "c.html": true}; !maps.Equal(asked, want) {
		t.Errorf("the bytes of %v were asked for, want those of %v", asked, want)
	}
	if err := tx.WriteKnown("d.html", 3, func() ([]byte, error) { return []byte("dd"), nil }); err == nil {
		t.Error("bytes of another size than announced were accepted")
	}
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.html": "aaaa", "b.html": "bbbbb", "c.html": "cc", "feed.xml": "v1"}
	if got := readAll(t, dir); !equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// TestCreateCompares: a streamed file is compared with the published one
// as it is written: the same bytes keep the published file (its inode),
// and a shorter, longer or different file replaces it.
func TestCreateCompares(t *testing.T) {
	old := strings.Repeat("<item>same</item>\n", 40000) // over several 256 KB writes
	for _, c := range []struct {
		name, text string
		kept       bool
	}{
		{"same", old, true},
		{"shorter", old[:len(old)-1], false},
		{"longer", old + "x", false},
		{"last byte differs", old[:len(old)-1] + "!", false},
		{"first byte differs", "!" + old[1:], false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "public")
			publish(t, dir, map[string]string{"feed.xml": old})
			before, err := os.Stat(filepath.Join(dir, "feed.xml"))
			if err != nil {
				t.Fatal(err)
			}
			tx, err := Begin(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Abort()
			f, err := tx.Create("feed.xml")
			if err != nil {
				t.Fatal(err)
			}
			for text := c.text; text != ""; {
				n := min(len(text), 10000) // writes of another size than the buffer's
				if _, err := f.Write([]byte(text[:n])); err != nil {
					t.Fatal(err)
				}
				text = text[n:]
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			changed, err := tx.Commit()
			if err != nil {
				t.Fatal(err)
			}
			after, err := os.Stat(filepath.Join(dir, "feed.xml"))
			if err != nil {
				t.Fatal(err)
			}
			if kept := os.SameFile(before, after); kept != c.kept || changed == c.kept {
				t.Errorf("published file kept %v, folder changed %v; want kept %v", kept, changed, c.kept)
			}
			if got := readAll(t, dir)["feed.xml"]; got != c.text {
				t.Errorf("feed.xml holds %d bytes, want %d", len(got), len(c.text))
			}
		})
	}
}
