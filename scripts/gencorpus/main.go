// Command gencorpus writes a realistic benchmark show: the GeeksBlaBla
// fixtures cycled to N episodes (see internal/corpus) and a config.yaml.
//
//	go run ./scripts/gencorpus -n 10000 -out DIR [-fixtures DIR] [-captions]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/castfeed/castfeed/internal/corpus"
)

const config = `podcast:
  title: GeeksBlaBla (benchmark)
  description: The real GeeksBlaBla episode files, cycled.
  link: https://geeksblabla.community
  base_url: https://feeds.example.org/geeksblabla
  language: ar-MA
  author: GeeksBlaBla
  owner: {name: GeeksBlaBla, email: hello@example.org}
  image: https://feeds.example.org/cover.png
  categories: [{name: Technology}]
  timezone: Africa/Casablanca
  publish_time: "20:00"
episodes: {dir: episodes}
media: {url_template: "https://media.example.org/{{.Slug}}.mp3"}
transcripts: {enabled: %v}
output: {dir: public}
state: {dir: state}
log: {level: warn}
`

func main() {
	n := flag.Int("n", 10000, "number of episodes")
	out := flag.String("out", "", "folder to write the show into (required)")
	fixtures := flag.String("fixtures", "../shared/fixtures/geeksblabla", "folder of real episode files")
	captions := flag.Bool("captions", false, "write a sidecar caption file per episode and enable transcripts")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: gencorpus -n N -out DIR [-fixtures DIR] [-captions]\n\nWrites a realistic show of N episodes made from real files.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	o := corpus.Default(*fixtures, *n)
	o.Captions = *captions
	if _, err := corpus.Write(filepath.Join(*out, "episodes"), o); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(*out, "config.yaml"), fmt.Appendf(nil, config, *captions), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}
