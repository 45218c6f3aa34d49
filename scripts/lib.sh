# shellcheck shell=bash
# lib.sh: helpers shared by the bench scripts (sourced, not run).

# gen_show N DIR writes a synthetic show of N episodes into DIR/episodes
# and its config into DIR/config.yaml: front matter, a summary, a guest, 8
# chapter notes, links, and an audio_length so no HEAD is needed.
gen_show() {
  local n=$1 dir=$2
  mkdir -p "$dir/episodes"
  awk -v n="$n" -v dir="$dir/episodes" 'BEGIN {
    for (i = 1; i <= n; i++) {
      f = sprintf("%s/episode-%06d.md", dir, i)
      d = 1 + (i % 28); m = 1 + (int(i / 28) % 12); y = 2000 + int(i / 336) % 25
      printf "---\ndate: %04d-%02d-%02d\nduration: \"1:30:00\"\ntitle: \"Episode %d: synthetic show notes\"\n", y, m, d, i > f
      printf "tags: [go, podcasts, benchmarks]\ncategory: dev\nyoutube: https://www.youtube.com/watch?v=bench%06d\n", i > f
      printf "published: true\naudio_length: %d\n---\n\n", 50000000 + i > f
      printf "Episode %d talks about building feeds fast, keeping subscribers happy and notes tidy.\n\n## Guests\n\n- [Guest %d](https://example.org/g%d)\n\n## Notes\n\n", i, i, i > f
      for (c = 0; c < 8; c++) printf "%d:%02d:00 - Topic %d of episode %d\n", int(c * 10 / 60), (c * 10) % 60, c + 1, i > f
      printf "\n## Links\n\n- [Go](https://go.dev)\n\n## Prepared and Presented by\n\n- [Host](https://example.org/host)\n" > f
      close(f)
    }
  }'
  cat >"$dir/config.yaml" <<'YAML'
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
}

# measure LABEL PREP CMD...: median seconds and max RSS of $runs runs of
# CMD; PREP is evaluated before each run, untimed, with $run its number.
# The median is left in $med. Uses $tmp for its scratch files.
med=0
measure() {
  local label=$1 prep=$2
  shift 2
  local secs=() kbs=()
  for run in $(seq "$runs"); do
    eval "$prep"
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
    read -r s k <"$tmp/time"
    secs+=("$s"); kbs+=("$k")
  done
  local maxkb
  med=$(printf '%s\n' "${secs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  maxkb=$(printf '%s\n' "${kbs[@]}" | sort -n | tail -1)
  printf '  %-18s median %7.2f s   max RSS %6d MB   (%d runs)\n' "$label" "$med" $((maxkb / 1024)) "$runs"
}
