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
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
n=${1:-10000}
runs=${2:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/castfeed" ./cmd/castfeed
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"
gen_show "$n" "$tmp/show"

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
