package metrics

import (
	"bufio"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestExposition(t *testing.T) {
	r := New()
	c := r.Counter("x_total", "Things by kind.\nSecond line with a \\.", "kind")
	g := r.Gauge("y", "A gauge.")
	h := r.Histogram("z_seconds", "Durations.", 0.5, 1)
	c.Inc(`a"b`)
	c.Add(2, "line\nbreak")
	c.Inc(`back\slash`)
	g.Set(1.5)
	h.Observe(0.2)
	h.Observe(0.7)
	h.Observe(3)
	var b strings.Builder
	r.WriteTo(&b)
	want := `# HELP x_total Things by kind.\nSecond line with a \\.
# TYPE x_total counter
x_total{kind="a\"b"} 1
x_total{kind="back\\slash"} 1
x_total{kind="line\nbreak"} 2
# HELP y A gauge.
# TYPE y gauge
y 1.5
# HELP z_seconds Durations.
# TYPE z_seconds histogram
z_seconds_bucket{le="0.5"} 1
z_seconds_bucket{le="1"} 2
z_seconds_bucket{le="+Inf"} 3
z_seconds_sum 3.9
z_seconds_count 3
`
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	// Every sample line parses as name{labels} value.
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "#") {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		if _, err := strconv.ParseFloat(strings.Replace(l[i+1:], "+Inf", "Inf", 1), 64); err != nil || i < 1 {
			t.Errorf("sample %q does not parse: %v", l, err)
		}
	}
}

func TestConcurrentUseAndHandler(t *testing.T) {
	r := New()
	m := NewMetrics(r)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			v := m.HTTPRequests.With("200", "GET") // half count through a value
			for range 1000 {
				if i%2 == 0 {
					v.Inc()
				} else {
					m.HTTPRequests.Inc("200", "GET")
				}
				m.RefreshDuration.Observe(0.3)
			}
		})
	}
	wg.Wait()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	if rec.Header().Get("Content-Type") != "text/plain; version=0.0.4; charset=utf-8" ||
		!strings.Contains(body, `castfeed_http_requests_total{code="200",method="GET"} 8000`) ||
		!strings.Contains(body, "castfeed_refresh_duration_seconds_count 8000") {
		t.Fatalf("metrics:\n%s", body)
	}
}
