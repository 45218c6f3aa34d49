// Package metrics exposes castfeed's counters, gauges and histogram in
// the Prometheus text format (version 0.0.4). It is written here rather
// than taken from the Prometheus client library because castfeed needs
// six metrics, not the library's dependency graph; its output is checked
// by the Prometheus parser (expfmt) in the tests.
package metrics

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Registry holds metrics and writes them in registration order.
type Registry struct {
	mu      sync.Mutex
	metrics []metric
}

type metric interface {
	write(w *strings.Builder)
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{} }

func (r *Registry) add(m metric) {
	r.mu.Lock()
	r.metrics = append(r.metrics, m)
	r.mu.Unlock()
}

// WriteTo writes every metric in the text exposition format.
func (r *Registry) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	r.mu.Lock()
	ms := slices.Clone(r.metrics)
	r.mu.Unlock()
	for _, m := range ms {
		m.write(&b)
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// Handler serves the registry.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		r.WriteTo(w)
	})
}

// vec is a family of values by label values.
type vec struct {
	name, help, kind string
	labels           []string
	mu               sync.Mutex
	values           map[string]*cell // key: label values joined by \xff
}

func newVec(name, help, kind string, labels []string) *vec {
	return &vec{name: name, help: help, kind: kind, labels: labels, values: map[string]*cell{}}
}

// cell is one value, updated without a lock: the HTTP server counts every
// request.
type cell struct{ bits atomic.Uint64 }

func (c *cell) get() float64  { return math.Float64frombits(c.bits.Load()) }
func (c *cell) set(f float64) { c.bits.Store(math.Float64bits(f)) }
func (c *cell) add(d float64) {
	for {
		old := c.bits.Load()
		if c.bits.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+d)) {
			return
		}
	}
}

// cell returns the value of the label values, creating it at zero.
func (v *vec) cell(values []string) *cell {
	k := v.key(values)
	v.mu.Lock()
	defer v.mu.Unlock()
	c := v.values[k]
	if c == nil {
		c = &cell{}
		v.values[k] = c
	}
	return c
}

func (v *vec) key(values []string) string {
	if len(values) != len(v.labels) {
		panic(fmt.Sprintf("metrics: %s wants %d label values, got %d", v.name, len(v.labels), len(values)))
	}
	return strings.Join(values, "\xff")
}

func (v *vec) write(b *strings.Builder) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s %s\n", v.name, escapeHelp(v.help), v.name, v.kind)
	v.mu.Lock()
	keys := make([]string, 0, len(v.values))
	for k := range v.values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString(v.name)
		if len(v.labels) > 0 {
			writeLabels(b, v.labels, strings.Split(k, "\xff"), "", "")
		}
		b.WriteByte(' ')
		b.WriteString(formatFloat(v.values[k].get()))
		b.WriteByte('\n')
	}
	v.mu.Unlock()
}

func writeLabels(b *strings.Builder, names, values []string, extraName, extraValue string) {
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `%s="%s"`, n, escapeValue(values[i]))
	}
	if extraName != "" {
		if len(names) > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, `%s="%s"`, extraName, extraValue)
	}
	b.WriteByte('}')
}

var (
	valueEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
)

func escapeValue(s string) string { return valueEscaper.Replace(s) }
func escapeHelp(s string) string  { return helpEscaper.Replace(s) }

func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// Counter only goes up.
type Counter struct{ v *vec }

// Counter registers a counter with the given label names.
func (r *Registry) Counter(name, help string, labels ...string) *Counter {
	c := &Counter{newVec(name, help, "counter", labels)}
	r.add(c.v)
	return c
}

// Inc adds one for the label values.
func (c *Counter) Inc(labels ...string) { c.Add(1, labels...) }

// Add adds d (≥ 0) for the label values.
func (c *Counter) Add(d float64, labels ...string) { c.With(labels...).Add(d) }

// With returns the counter of the label values, to count with no lookup
// on a hot path.
func (c *Counter) With(labels ...string) *CounterValue { return &CounterValue{c.v.cell(labels)} }

// CounterValue is one counter of a Counter's family.
type CounterValue struct{ c *cell }

// Inc adds one.
func (v *CounterValue) Inc() { v.c.add(1) }

// Add adds d (≥ 0).
func (v *CounterValue) Add(d float64) {
	if d < 0 {
		panic("metrics: counter decreased")
	}
	v.c.add(d)
}

// Gauge goes up and down.
type Gauge struct{ v *vec }

// Gauge registers a gauge.
func (r *Registry) Gauge(name, help string, labels ...string) *Gauge {
	g := &Gauge{newVec(name, help, "gauge", labels)}
	r.add(g.v)
	return g
}

// Set sets the value for the label values.
func (g *Gauge) Set(f float64, labels ...string) {
	g.v.cell(labels).set(f)
}

// Histogram counts observations in cumulative buckets.
type Histogram struct {
	name, help string
	bounds     []float64
	mu         sync.Mutex
	counts     []uint64 // per bucket, not cumulative; last is +Inf
	sum        float64
	count      uint64
}

// Histogram registers a histogram with upper bounds in increasing order.
func (r *Registry) Histogram(name, help string, bounds ...float64) *Histogram {
	h := &Histogram{name: name, help: help, bounds: bounds, counts: make([]uint64, len(bounds)+1)}
	r.add(h)
	return h
}

// Observe records one value.
func (h *Histogram) Observe(f float64) {
	i, _ := slices.BinarySearch(h.bounds, f)
	h.mu.Lock()
	h.counts[i]++
	h.sum += f
	h.count++
	h.mu.Unlock()
}

func (h *Histogram) write(b *strings.Builder) {
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s histogram\n", h.name, escapeHelp(h.help), h.name)
	h.mu.Lock()
	defer h.mu.Unlock()
	var cum uint64
	for i, c := range h.counts {
		cum += c
		le := "+Inf"
		if i < len(h.bounds) {
			le = formatFloat(h.bounds[i])
		}
		fmt.Fprintf(b, "%s_bucket{le=\"%s\"} %d\n", h.name, le, cum)
	}
	fmt.Fprintf(b, "%s_sum %s\n%s_count %d\n", h.name, formatFloat(h.sum), h.name, h.count)
}

// Metrics are castfeed's.
type Metrics struct {
	RefreshDuration   *Histogram
	Refreshes         *Counter // outcome
	LastSuccess       *Gauge
	EpisodesPublished *Gauge
	TranscriptFetches *Counter // outcome
	HTTPRequests      *Counter // code, method
	// Publishing to a bucket (output.target).
	PublishObjects  *Counter // outcome: uploaded, skipped, deleted
	PublishBytes    *Counter
	PublishDuration *Histogram
}

// New registers castfeed's metrics in r.
func New(r *Registry) *Metrics {
	return &Metrics{
		RefreshDuration:   r.Histogram("castfeed_refresh_duration_seconds", "Time one refresh took.", 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
		Refreshes:         r.Counter("castfeed_refreshes_total", "Refreshes by outcome: published, unchanged, refused or failed.", "outcome"),
		LastSuccess:       r.Gauge("castfeed_last_success_timestamp_seconds", "Unix time of the last refresh that did not fail."),
		EpisodesPublished: r.Gauge("castfeed_episodes_published", "Episodes in the published feed."),
		TranscriptFetches: r.Counter("castfeed_transcript_fetches_total", "Episodes by transcript outcome at each refresh: fetched, cached, local, none, unavailable, blocked, failed, deferred.", "outcome"),
		HTTPRequests:      r.Counter("castfeed_http_requests_total", "HTTP requests by status code and method.", "code", "method"),
		PublishObjects:    r.Counter("castfeed_publish_objects_total", "Objects of the output folder at each publish to output.target, by outcome: uploaded, skipped (unchanged) or deleted.", "outcome"),
		PublishBytes:      r.Counter("castfeed_publish_uploaded_bytes_total", "Bytes uploaded to output.target."),
		PublishDuration:   r.Histogram("castfeed_publish_duration_seconds", "Time one publish to output.target took.", 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800),
	}
}

// RecordPublish counts one publish to the target.
func (m *Metrics) RecordPublish(uploaded, skipped, deleted int, bytes int64, d time.Duration) {
	m.PublishObjects.Add(float64(uploaded), "uploaded")
	m.PublishObjects.Add(float64(skipped), "skipped")
	m.PublishObjects.Add(float64(deleted), "deleted")
	m.PublishBytes.Add(float64(bytes))
	m.PublishDuration.Observe(d.Seconds())
}
