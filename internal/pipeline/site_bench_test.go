package pipeline

import (
	"context"
	"os"
	"testing"
	"time"
)

// BenchmarkSiteCold10k is a first build of 10,000 episodes with the
// site off and on: the difference is what the site costs (target: at
// most 30% more). Besides the wall time it reports the CPU time the
// process spent (user+sys), steadier than wall time on a shared machine.
func BenchmarkSiteCold10k(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(map[bool]string{false: "site=off", true: "site=on"}[on], func(b *testing.B) {
			opt := syntheticShow(b, 10000)
			opt.Config.Site.Enabled = on
			var cpu time.Duration
			for b.Loop() {
				// Clearing the last build's 20,000 or 40,000 files is not
				// the build's cost.
				b.StopTimer()
				for _, dir := range []string{opt.Config.Output.Dir, opt.Config.State.Dir} {
					if err := os.RemoveAll(dir); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				start := cpuTime()
				if _, err := Run(context.Background(), opt); err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - start
			}
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkSiteNoChange10k is a refresh where nothing changed, with the
// site off and on (target: no difference).
func BenchmarkSiteNoChange10k(b *testing.B) {
	for _, on := range []bool{false, true} {
		b.Run(map[bool]string{false: "site=off", true: "site=on"}[on], func(b *testing.B) {
			opt := syntheticShow(b, 10000)
			opt.Config.Site.Enabled = on
			if _, err := Run(context.Background(), opt); err != nil {
				b.Fatal(err)
			}
			var cpu time.Duration
			for b.Loop() {
				start := cpuTime()
				res, err := Run(context.Background(), opt)
				if err != nil || !res.UpToDate {
					b.Fatal(err, res)
				}
				cpu += cpuTime() - start
			}
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// BenchmarkSiteCorpus10k is BenchmarkCorpus/10k/cold, a first build of
// the realistic show, with the site off and on: what the site costs on
// episodes with real notes, guests and links (target: at most 30% more).
func BenchmarkSiteCorpus10k(b *testing.B) {
	opt := corpusShow(b, 10000, false)
	for _, on := range []bool{false, true} {
		b.Run(map[bool]string{false: "site=off", true: "site=on"}[on], func(b *testing.B) {
			cfg := *opt.Config
			cfg.Site.Enabled = on
			o := opt
			o.Config = &cfg
			var cpu time.Duration
			for b.Loop() {
				twin := coldTwin(b, o)
				start := cpuTime()
				mustRun(b, twin)
				cpu += cpuTime() - start
			}
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}
