package site_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/castfeed/castfeed/site"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser is a headless Chromium for one test, started fresh (its own
// profile folder) and stopped at the end.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("no Chromium found; install it with: apt-get install -y chromium")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		// The test plays audio without a click; nobody needs to hear it.
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("mute-audio", true),
		chromedp.WindowSize(1024, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	return ctx
}

// tab opens a new tab that records console errors, uncaught exceptions,
// failed requests, HTTP errors and dialogs (an alert would mean a script
// from a page's text ran).
type tab struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

func newTab(t *testing.T, browserCtx context.Context) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx)
	t.Cleanup(cancel)
	tb := &tab{ctx: ctx}
	err := chromedp.Listen(ctx, func(ev any) {
		var p string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				args := make([]string, len(ev.Args))
				for i, a := range ev.Args {
					args[i] = string(a.Value) + a.Description
				}
				p = "console error: " + strings.Join(args, " ")
			}
		case *runtime.EventExceptionThrown:
			p = "uncaught exception: " + ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				p += " " + ev.ExceptionDetails.Exception.Description
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				p = "browser log error: " + ev.Entry.Text + " " + ev.Entry.URL
			}
		case *network.EventLoadingFailed:
			// A media request cut short by leaving the page is not a
			// failure of the page.
			if !ev.Canceled {
				p = "request failed: " + ev.ErrorText + " (" + string(ev.Type) + ")"
			}
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				p = fmt.Sprintf("HTTP %d for %s", ev.Response.Status, ev.Response.URL)
			}
		case *page.EventJavascriptDialogOpening:
			p = "a dialog opened: " + ev.Message
		}
		if p != "" {
			tb.mu.Lock()
			tb.problems = append(tb.problems, p)
			tb.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// open loads url and waits until the page's script has run.
func (tb *tab) open(t *testing.T, url string) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
}

// eval runs a JavaScript expression and decodes its value.
func eval[T any](t *testing.T, tb *tab, expr string) T {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds, for at most 15 s
// of the browser's clock: playback runs in real time.
func waitFor(t *testing.T, tb *tab, what, cond string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		state := eval[string](t, tb, `JSON.stringify({t: document.querySelector('audio') && document.querySelector('audio').currentTime, paused: document.querySelector('audio') && document.querySelector('audio').paused, chapter: (document.querySelector('[data-chapters] [aria-current]')||{}).textContent, cue: (document.querySelector('[data-cues] .current')||{}).textContent})`)
		t.Fatalf("%s: %s never held (%v); state %s", what, cond, err, state)
	}
}

func (tb *tab) noProblems(t *testing.T, page string) {
	t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		t.Errorf("%s: %s", page, p)
	}
	tb.problems = nil
}

const audioJS = `document.querySelector('audio[data-player]')`

// TestBrowser drives the pages in headless Chromium, served by the real
// castfeed server.
func TestBrowser(t *testing.T) {
	s := exampleShow(t)
	ctx := browser(t)
	// The pages link index.html by name; castfeed serve also serves a
	// folder's index.html, as the other subtests' URLs show.
	playerDir := s.url + "/episodes/episode-0090/"
	player := playerDir + "index.html"

	t.Run("every page loads without errors", func(t *testing.T) {
		tb := newTab(t, ctx)
		pages := s.pages(t)
		for _, p := range pages {
			url := s.url + "/" + strings.TrimSuffix(p, "index.html")
			tb.open(t, url)
			// Let the audio's metadata and the images load.
			waitFor(t, tb, p, `document.readyState === 'complete' && (!`+audioJS+` || `+audioJS+`.readyState >= 1)`)
			tb.noProblems(t, p)
		}
		if len(pages) < 17 {
			t.Errorf("only %d pages", len(pages))
		}
	})

	t.Run("clicking the third chapter seeks to its start", func(t *testing.T) {
		tb := newTab(t, ctx)
		tb.open(t, player)
		waitFor(t, tb, "metadata", audioJS+`.readyState >= 1`)
		if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS(`[data-chapters] li:nth-child(3) a`))); err != nil {
			t.Fatal(err)
		}
		// The click also plays: the playhead is at 4 s or just past it.
		waitFor(t, tb, "seek", audioJS+`.currentTime >= 4 && `+audioJS+`.currentTime < 5`)
		if got := eval[string](t, tb, `location.hash`); got != "#t=4" {
			t.Errorf("after the click the address ends in %q, want #t=4 (to share the moment)", got)
		}
		waitFor(t, tb, "third chapter current", `document.querySelector('[data-chapters] li:nth-child(3) a').getAttribute('aria-current') === 'true'`)
		tb.noProblems(t, player)
	})

	t.Run("playing past a boundary moves the highlight", func(t *testing.T) {
		tb := newTab(t, ctx)
		tb.open(t, player)
		waitFor(t, tb, "metadata", audioJS+`.readyState >= 1`)
		eval[chromedp.Void](t, tb, `(function(a){ a.currentTime = 5.5; return a.play(); })(`+audioJS+`)`)
		waitFor(t, tb, "third chapter current before the boundary", `document.querySelectorAll('[data-chapters] [aria-current]').length === 1 && document.querySelector('[data-chapters] li:nth-child(3) a').hasAttribute('aria-current')`)
		// Playback in real time crosses 6 s: the fourth chapter (0:06)
		// takes over, and only it is current.
		waitFor(t, tb, "fourth chapter current after the boundary", audioJS+`.currentTime > 6 && document.querySelectorAll('[data-chapters] [aria-current]').length === 1 && document.querySelector('[data-chapters] li:nth-child(4) a').getAttribute('aria-current') === 'true' && document.querySelector('[data-chapters] li:nth-child(4)').classList.contains('current')`)
		// The cue under the playhead is the one highlighted.
		got := eval[string](t, tb, `(function(a){ var c = document.querySelectorAll('[data-cues] .current'); if (c.length !== 1) return 'highlighted cues: ' + c.length; var p = c[0], t = a.currentTime; return (+p.dataset.start <= t && t < +p.dataset.end) ? 'ok' : 'cue ' + p.dataset.start + '-' + p.dataset.end + ' at ' + t; })(`+audioJS+`)`)
		if got != "ok" {
			t.Errorf("transcript highlight: %s", got)
		}
		eval[chromedp.Void](t, tb, audioJS+`.pause()`)
		tb.noProblems(t, player)
	})

	t.Run("a #t= link seeks on load", func(t *testing.T) {
		tb := newTab(t, ctx)
		tb.open(t, player+"#t=7")
		waitFor(t, tb, "seek on load", `Math.abs(`+audioJS+`.currentTime - 7) < 0.01`)
		waitFor(t, tb, "chapter of 0:07 current", `document.querySelector('[data-chapters] li:nth-child(4) a').getAttribute('aria-current') === 'true'`)
		waitFor(t, tb, "cue of 0:07 current", `document.querySelector('[data-cues] p:nth-child(4)').classList.contains('current')`)
		tb.noProblems(t, player)
	})

	t.Run("clicking a cue seeks", func(t *testing.T) {
		tb := newTab(t, ctx)
		tb.open(t, player)
		waitFor(t, tb, "metadata", audioJS+`.readyState >= 1`)
		if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS(`[data-cues] p:nth-child(2) span`))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, tb, "seek to the cue", audioJS+`.currentTime >= 2 && `+audioJS+`.currentTime < 3`)
		eval[chromedp.Void](t, tb, audioJS+`.pause()`)
		if got := eval[string](t, tb, `document.querySelector('[data-cues] p:nth-child(2) .speaker').textContent`); got != "Amina:" {
			t.Errorf("speaker %q, want Amina:", got)
		}
		tb.noProblems(t, player)
	})

	t.Run("the keyboard seeks too", func(t *testing.T) {
		tb := newTab(t, ctx)
		tb.open(t, player)
		waitFor(t, tb, "metadata", audioJS+`.readyState >= 1`)
		// Tab reaches the chapter links; Enter on the fifth seeks to 0:08.
		if err := chromedp.Do(tb.ctx, chromedp.Focus(chromedp.CSS(`[data-chapters] li:nth-child(5) a`)), chromedp.KeyEvent("\r")); err != nil {
			t.Fatal(err)
		}
		waitFor(t, tb, "seek by Enter", audioJS+`.currentTime >= 8 && `+audioJS+`.currentTime < 9`)
		eval[chromedp.Void](t, tb, audioJS+`.pause()`)
		if got := eval[string](t, tb, `getComputedStyle(document.activeElement).outlineStyle`); got != "solid" {
			t.Errorf("the focused chapter link has outline %q, want a visible solid outline", got)
		}
		tb.noProblems(t, player)
	})

	t.Run("the embed's toggles show the lists", func(t *testing.T) {
		tb := newTab(t, ctx)
		tb.open(t, playerDir+"embed.html")
		visible := `[document.getElementById('chapter-list').checkVisibility(), document.getElementById('transcript-text').checkVisibility()].join(' ')`
		if got := eval[string](t, tb, visible); got != "false false" {
			t.Errorf("chapters and transcript visible at first: %s, want both folded", got)
		}
		if err := chromedp.Do(tb.ctx, chromedp.Click(chromedp.CSS(`button[aria-controls="chapter-list"]`))); err != nil {
			t.Fatal(err)
		}
		if got := eval[string](t, tb, visible+` + ' ' + document.querySelector('button[aria-controls="chapter-list"]').getAttribute('aria-expanded')`); got != "true false true" {
			t.Errorf("after the Chapters toggle: %s, want chapters shown, transcript folded, aria-expanded true", got)
		}
		tb.noProblems(t, playerDir+"embed.html")
	})

	t.Run("an Arabic episode reads right to left", func(t *testing.T) {
		tb := newTab(t, ctx)
		tb.open(t, s.url+"/episodes/episode-0003/")
		if got := eval[string](t, tb, `document.documentElement.dir + ' ' + document.documentElement.lang`); got != "rtl ar" {
			t.Errorf("dir and lang %q, want rtl ar", got)
		}
		// Times stay left to right inside it.
		if got := eval[string](t, tb, `getComputedStyle(document.querySelector('[data-chapters] time')).direction`); got != "ltr" {
			t.Errorf("a chapter's time is %s", got)
		}
		tb.noProblems(t, "episode-0003")
	})

	t.Run("without JavaScript the lists are there", func(t *testing.T) {
		tb := newTab(t, ctx)
		if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{player, playerDir + "embed.html"} {
			tb.open(t, p)
			got := eval[string](t, tb, `[document.querySelectorAll('[data-chapters] li a[href^="#t="]').length, document.querySelectorAll('[data-cues] p').length, document.querySelector('[data-chapters]').checkVisibility(), document.querySelector('[data-cues]').checkVisibility(), document.querySelector('audio').checkVisibility()].join(' ')`)
			if got != "5 5 true true true" {
				t.Errorf("%s without script: chapters, cues, visible: %q, want 5 5 true true true", p, got)
			}
		}
		tb.noProblems(t, player)
	})

	t.Run("XSS cases render as text", func(t *testing.T) {
		tb := newTab(t, ctx)
		tb.open(t, s.url+"/episodes/episode-0091/")
		got := eval[string](t, tb, `[document.querySelectorAll('script').length, document.querySelectorAll('img').length, document.querySelector('[data-cues] p span').textContent, Array.from(document.links).filter(function(a){ return a.protocol === 'javascript:'; }).length].join(' | ')`)
		if want := "1 | 0 | Cue <script>alert('cue')</script> text | 0"; got != want {
			t.Errorf("scripts | images | cue text | javascript: links = %q, want %q", got, want)
		}
		tb.noProblems(t, "episode-0091")
	})

	t.Run("axe finds nothing serious", func(t *testing.T) {
		axe, err := os.ReadFile(filepath.Join(site.NodeModules(t, "axe-core/axe.min.js"), "axe-core", "axe.min.js"))
		if err != nil {
			t.Fatal(err)
		}
		tb := newTab(t, ctx)
		for _, scheme := range []string{"light", "dark"} {
			setScheme(t, tb, scheme)
			for _, p := range []string{"/", "/episodes/episode-0003/", "/episodes/episode-0090/", "/episodes/episode-0090/embed.html"} {
				tb.open(t, s.url+p)
				eval[chromedp.Void](t, tb, string(axe))
				res := eval[string](t, tb, `axe.run(document, {resultTypes: ['violations']}).then(function (r) { return JSON.stringify(r.violations); })`)
				var violations []struct {
					ID, Impact, Help string
					Nodes            []struct{ HTML string }
				}
				if err := json.Unmarshal([]byte(res), &violations); err != nil {
					t.Fatal(err)
				}
				for _, v := range violations {
					if v.Impact == "serious" || v.Impact == "critical" {
						t.Errorf("%s (%s): %s %s: %s (%d elements, first %s)", p, scheme, v.Impact, v.ID, v.Help, len(v.Nodes), v.Nodes[0].HTML)
					} else {
						t.Logf("%s (%s): %s %s: %s", p, scheme, v.Impact, v.ID, v.Help)
					}
				}
			}
		}
		tb.noProblems(t, "axe")
	})

	t.Run("screenshots", func(t *testing.T) {
		dir, err := os.MkdirTemp("", "castfeed-site-screenshots-")
		if err != nil {
			t.Fatal(err)
		}
		tb := newTab(t, ctx)
		for _, scheme := range []string{"light", "dark"} {
			setScheme(t, tb, scheme)
			for name, p := range map[string]string{"show": "/", "episode": "/episodes/episode-0001/"} {
				tb.open(t, s.url+p)
				waitFor(t, tb, p, `document.readyState === 'complete'`)
				png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, name+"-"+scheme+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		t.Logf("screenshots of the show and an episode, light and dark, for a person to look at: %s", dir)
	})
}

// setScheme makes the tab prefer a light or dark colour scheme.
func setScheme(t *testing.T, tb *tab, scheme string) {
	t.Helper()
	_, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		t.Fatal(err)
	}
}
