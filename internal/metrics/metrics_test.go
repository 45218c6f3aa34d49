package metrics

import (
	dto "github.com/prometheus/client_model/go"
	"maps"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func TestExposition(t *testing.T) {
	r := NewRegistry()
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
	// The Prometheus parser reads the same values back.
	fams := parseExposition(t, b.String())
	counter := map[string]float64{}
	for _, m := range fams["x_total"].GetMetric() {
		counter[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
	}
	if want := map[string]float64{`a"b`: 1, "line\nbreak": 2, `back\slash`: 1}; !maps.Equal(counter, want) {
		t.Errorf("x_total read back by expfmt: %v, want %v", counter, want)
	}
	if v := fams["y"].GetMetric()[0].GetGauge().GetValue(); v != 1.5 {
		t.Errorf("y read back: %v, want 1.5", v)
	}
	hist := fams["z_seconds"].GetMetric()[0].GetHistogram()
	if hist.GetSampleCount() != 3 || hist.GetSampleSum() != 3.9 || len(hist.GetBucket()) != 3 || hist.GetBucket()[1].GetCumulativeCount() != 2 || hist.GetBucket()[2].GetCumulativeCount() != 3 {
		t.Errorf("z_seconds read back: %v", hist)
	}
}

// parseExposition reads text with the Prometheus text parser, the judge
// of what a Prometheus server would scrape.
func parseExposition(t *testing.T, text string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("the Prometheus parser rejects the exposition: %v\n%s", err, text)
	}
	return fams
}

func TestConcurrentUseAndHandler(t *testing.T) {
	r := NewRegistry()
	m := New(r)
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
	fams := parseExposition(t, body)
	if n := fams["castfeed_refresh_duration_seconds"].GetMetric()[0].GetHistogram().GetSampleCount(); n != 8000 {
		t.Errorf("castfeed_refresh_duration_seconds read back: %d observations, want 8000", n)
	}
	if c := fams["castfeed_http_requests_total"].GetMetric()[0].GetCounter().GetValue(); c != 8000 {
		t.Errorf("castfeed_http_requests_total read back: %v, want 8000", c)
	}
}

func TestRecordPublish(t *testing.T) {
	r := NewRegistry()
	m := New(r)
	m.RecordPublish(3, 100, 2, 4096, 1500*time.Millisecond)
	m.RecordPublish(1, 104, 0, 10, 200*time.Millisecond)
	var b strings.Builder
	r.WriteTo(&b)
	fams := parseExposition(t, b.String())
	objects := map[string]float64{}
	for _, mt := range fams["castfeed_publish_objects_total"].GetMetric() {
		objects[mt.GetLabel()[0].GetValue()] = mt.GetCounter().GetValue()
	}
	if want := map[string]float64{"uploaded": 4, "skipped": 204, "deleted": 2}; !maps.Equal(objects, want) {
		t.Errorf("castfeed_publish_objects_total: %v, want %v", objects, want)
	}
	if v := fams["castfeed_publish_uploaded_bytes_total"].GetMetric()[0].GetCounter().GetValue(); v != 4106 {
		t.Errorf("uploaded bytes %v, want 4106", v)
	}
	if h := fams["castfeed_publish_duration_seconds"].GetMetric()[0].GetHistogram(); h.GetSampleCount() != 2 || h.GetSampleSum() != 1.7 {
		t.Errorf("publish durations %v", h)
	}
}
