#!/usr/bin/env bash
# bench.sh: how fast castfeed builds and lints a large show, on a
# synthetic show and on a realistic one, and the same work done by Hugo.
#
#   scripts/bench.sh [EPISODES] [RUNS]      (defaults: 10000 and 5)
#
# It builds castfeed and writes two shows of EPISODES episodes into a
# temporary folder (under $TMPDIR: use TMPDIR=/dev/shm to measure on
# tmpfs, as the targets are):
#   synthetic  short, perfect files (scripts/lib.sh gen_show)
#   realistic  the real GeeksBlaBla files cycled, with their mistakes, one
#              file in 50 broken and one in 25 unpublished
#              (scripts/gencorpus, internal/corpus)
# and reports, for each, the median wall time and the peak memory (max
# RSS) of RUNS runs of:
#   cold build        castfeed build --offline, output and state removed
#   no-change build   castfeed build --offline again (nothing changed)
#   one edit          one episode's text edited (a different one each run)
#   one added         one new episode file
#   lint              castfeed lint of the whole show
# Then, on the realistic show: a cold build with transcripts on (a sidecar
# caption file per episode) beside the same without; feed.limit 300 and
# the size of feed.xml; and Hugo (scripts/bench-hugo.sh) doing the same
# work, cold and after one edit, as ratios to castfeed.
# Targets (issue #14, realistic show, tmpfs, 2 cores): 10k cold ≤ 1.2 s
# and ≤ 120 MB, no change ≤ 0.1 s, one edit ≤ 0.3 s, lint ≤ 0.3 s; 100k
# cold ≤ 15 s and ≤ 500 MB, no change ≤ 1 s, one edit ≤ 3 s, lint ≤ 3 s;
# Hugo cold ≥ 7× slower, one edit ≥ 30×; transcripts within 1.5×;
# feed.limit 300 feed.xml < 1.5 MB. Needs GNU time (/usr/bin/time, Debian
# package "time") and, for the Hugo column, Debian's hugo.
#
# SHOWS (default "synthetic realistic") and EXTRAS (default "captions
# limit hugo") choose what runs: at 100,000 episodes the three shows and
# Hugo's 10+ GB need more memory than tmpfs on a small machine has, e.g.
#   SHOWS=realistic EXTRAS= TMPDIR=/dev/shm scripts/bench.sh 100000 1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
n=${1:-10000}
runs=${2:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/castfeed" ./cmd/castfeed
go build -o "$tmp/gencorpus" ./scripts/gencorpus
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"
shows=${SHOWS-synthetic realistic}
extras=${EXTRAS-captions limit hugo}
has() { [[ " $2 " == *" $1 "* ]]; }
has synthetic "$shows" && gen_show "$n" "$tmp/synthetic"
"$tmp/gencorpus" -n "$n" -out "$tmp/realistic" -fixtures ../shared/fixtures/geeksblabla
has captions "$extras" && "$tmp/gencorpus" -n "$n" -out "$tmp/captions" -fixtures ../shared/fixtures/geeksblabla -captions

# edit_one: a different episode's text each run; it stays as valid (or as
# broken) as it was. add_one: a new episode file, a copy of a real one.
edit_one() { printf '\nEdited in run %s.\n' "$run" >>"episodes/$(ls episodes | sed -n "$((run * 37 % n + 1))p")"; }
add_one() { cp "episodes/$(ls episodes | sed -n "$((run * 53 % n + 1))p")" "episodes/added-$run-$RANDOM.md"; }

cf=("$tmp/castfeed" build --offline --config config.yaml)
declare -A cold edit
for show in $shows; do
  cd "$tmp/$show"
  echo "castfeed, $show show, $n episodes, $(nproc) cores, TMPDIR=${TMPDIR:-/tmp}"
  measure "cold build" 'rm -rf public state' "${cf[@]}"
  cold[$show]=$med
  measure "no-change build" ':' "${cf[@]}"
  measure "one edit" 'edit_one' "${cf[@]}"
  edit[$show]=$med
  measure "one added" 'add_one' "${cf[@]}"
  # lint exits 1 when it finds errors, as on the realistic show.
  measure "lint" ':' sh -c '"$0" lint --config config.yaml; [ $? -le 1 ]' "$tmp/castfeed"
done

if has captions "$extras"; then
  cd "$tmp/captions"
  echo "castfeed, realistic show with a sidecar caption file per episode (transcripts on)"
  measure "cold build" 'rm -rf public state' "${cf[@]}"
  awk -v a="$med" -v b="${cold[realistic]:-0}" 'BEGIN { if (b > 0) printf "  transcripts on / off: %.2f× (aim ≤ 1.5×)\n", a / b }'
  cd "$tmp" && rm -rf "$tmp/captions"
fi

if has limit "$extras"; then
  cd "$tmp/realistic"
  echo "castfeed, realistic show, feed.limit 300"
  cp config.yaml config.all.yaml
  printf 'feed: {limit: 300}\n' >>config.yaml
  measure "cold build" 'rm -rf public state' "${cf[@]}"
  printf '  feed.xml %d bytes (aim < 1.5 MB), %d archive pages\n' "$(stat -c %s public/feed.xml)" "$(ls public/archive/*.xml 2>/dev/null | wc -l)"
  mv config.all.yaml config.yaml
fi

if ! has hugo "$extras"; then
  :
elif command -v hugo >/dev/null; then
  echo "Hugo $(hugo version | awk '{print $2}'), the same realistic show (scripts/bench-hugo.sh)"
  "$here/bench-hugo.sh" "$tmp/realistic" "$tmp/hugo" "$runs" "$tmp/castfeed" >"$tmp/hugo.out"
  cat "$tmp/hugo.out"
  read -r hcold hedit < <(awk '/^  cold build/ {c=$4} /^  one edit/ {e=$4} END {print c, e}' "$tmp/hugo.out")
  awk -v h="$hcold" -v c="${cold[realistic]:-0}" 'BEGIN { if (c > 0) printf "  cold: castfeed %.1f× faster than Hugo (aim ≥ 7×)\n", h / c }'
  awk -v h="$hedit" -v c="${edit[realistic]:-0}" 'BEGIN { if (c > 0) printf "  one edit: castfeed %.1f× faster than Hugo (aim ≥ 30×)\n", h / c }'
else
  echo "hugo not found: apt-get install -y hugo (for the Hugo column)"
fi
