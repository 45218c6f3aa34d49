#!/usr/bin/env bash
# bench.sh: how fast castfeed builds and lints a large show.
#
#   scripts/bench.sh [EPISODES] [RUNS]      (defaults: 10000 and 5)
#
# It builds castfeed, writes a synthetic show of EPISODES episodes (front
# matter, a summary, guests, 8 chapter notes, links) into a temporary
# folder, then reports the median wall time and the peak memory (max RSS)
# of RUNS runs of:
#   cold build      castfeed build --offline, output and state removed first
#   no-change build castfeed build --offline again (nothing changed)
#   lint            castfeed lint of the whole show
# Targets (issue #2): 10k episodes cold < 1.5 s and < 150 MB; no-change
# rebuild < 0.5 s; 100k episodes cold < 20 s and < 500 MB; lint of 199
# episodes < 100 ms. Needs GNU time (/usr/bin/time, Debian package "time").
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
runs=${2:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/castfeed" ./cmd/castfeed
mkdir -p "$tmp/show/episodes"
awk -v n="$n" -v dir="$tmp/show/episodes" 'BEGIN {
  for (i = 1; i <= n; i++) {
    f = sprintf("%s/episode-%06d.md", dir, i)
    d = 1 + (i % 28); m = 1 + (int(i / 28) % 12); y = 2000 + int(i / 336) % 90
    printf "---\ndate: %04d-%02d-%02d\nduration: \"1:30:00\"\ntitle: \"Episode %d: synthetic show notes\"\n", y, m, d, i > f
    printf "tags: [go, podcasts, benchmarks]\ncategory: dev\nyoutube: https://www.youtube.com/watch?v=bench%06d\n", i > f
    printf "published: true\naudio_length: %d\n---\n\n", 50000000 + i > f
    printf "Episode %d talks about building feeds fast, keeping subscribers happy and notes tidy.\n\n## Guests\n\n- [Guest %d](https://example.org/g%d)\n\n## Notes\n\n", i, i, i > f
    for (c = 0; c < 8; c++) printf "0:%02d:00 - Topic %d of episode %d\n", c * 10, c + 1, i > f
    printf "\n## Links\n\n- [Go](https://go.dev)\n\n## Prepared and Presented by\n\n- [Host](https://example.org/host)\n" > f
    close(f)
  }
}'
cat > "$tmp/show/config.yaml" <<YAML
podcast:
  title: Benchmark Show
  description: A synthetic show for benchmarks.
  link: https://bench.example.org
  base_url: https://bench.example.org/podcast
  author: Bench
  owner: {name: Bench, email: bench@example.org}
  image: https://bench.example.org/cover.png
  categories: [{name: Technology}]
episodes: {dir: episodes}
media: {url_template: "https://media.example.org/{{.Slug}}.mp3"}
transcripts: {enabled: false}
output: {dir: public}
state: {dir: state}
log: {level: warn}
YAML

# measure LABEL PREP CMD...: median seconds and max RSS of RUNS runs.
measure() {
  local label=$1 prep=$2
  shift 2
  local secs=() kbs=()
  for _ in $(seq "$runs"); do
    eval "$prep"
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    read -r s k <"$tmp/time"
    secs+=("$s"); kbs+=("$k")
  done
  local med maxkb
  med=$(printf '%s\n' "${secs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  maxkb=$(printf '%s\n' "${kbs[@]}" | sort -n | tail -1)
  printf '%-18s median %6.2f s   max RSS %6d MB   (%d runs)\n' "$label" "$med" $((maxkb / 1024)) "$runs"
}

cd "$tmp/show"
echo "castfeed, $n episodes, $(nproc) cores"
measure "cold build" 'rm -rf public state' "$tmp/castfeed" build --offline --config config.yaml
measure "no-change build" ':' "$tmp/castfeed" build --offline --config config.yaml
measure "lint" ':' "$tmp/castfeed" lint --config config.yaml
