#!/usr/bin/env bash
# bench-s3.sh: how fast castfeed publishes a large show to S3 storage,
# beside `rclone sync` of the same folder, in the same run.
#
#   scripts/bench-s3.sh [EPISODES]      (default: 10000)
#
# It writes a synthetic show (scripts/lib.sh), builds it, starts a real S3
# server (versitygw, on a loopback port over a temporary folder, with an
# access log), then measures:
#   first publish      castfeed build to an empty bucket prefix, and
#                      rclone sync of the built folder to another prefix
#   one new episode    an episode added, castfeed build again, three times
#                      (the median of the three publishes is the figure),
#                      and rclone sync of the last rebuilt folder
# For each: requests the server logged, megabytes uploaded, wall time,
# and which files were uploaded (feeds, the site's pages, the rest); for
# castfeed also the publish alone (castfeed status), beside the whole
# build it is part of. The show uses castfeed's defaults, so the site (its
# pages for each episode and the show's pages) is built and published.
# Aims (issue #13): one new episode under 20 requests and 1 s; the first
# publish no slower than rclone's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
n=${1:-10000}
tmp=$(mktemp -d)
gw_pid=
cleanup() {
  if [ -n "$gw_pid" ]; then kill "$gw_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

vgw=$(command -v versitygw || echo "$(go env GOPATH)/bin/versitygw")
if [ ! -x "$vgw" ]; then
  echo "versitygw not found; install it: go install github.com/versity/versitygw/cmd/versitygw@v1.8.0" >&2
  exit 1
fi
if ! command -v rclone >/dev/null; then
  echo "rclone not found; install it: apt-get install rclone" >&2
  exit 1
fi

go build -o "$tmp/castfeed" ./cmd/castfeed
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"
gen_show "$n" "$tmp/show"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$tmp/s3/castfeed" "$tmp/s3/rclone" # the posix backend serves folders as buckets
env -i PATH="$PATH" HOME="$tmp" ROOT_ACCESS_KEY=bench ROOT_SECRET_KEY=bench-secret-key \
  "$vgw" --port "127.0.0.1:$port" --quiet --access-log "$tmp/access.log" posix "$tmp/s3" >"$tmp/gw.log" 2>&1 &
gw_pid=$!
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  sleep 0.1
done

# An explicit environment: the machine's AWS settings (AWS_CA_BUNDLE, …)
# stay out of both clients.
keys=(AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret-key)
castfeed() { env -i PATH="$PATH" HOME="$tmp" "${keys[@]}" "$tmp/castfeed" "$@"; }
rclone_sync() {
  env -i PATH="$PATH" HOME="$tmp" RCLONE_CONFIG="$tmp/none.conf" \
    RCLONE_CONFIG_GW_TYPE=s3 RCLONE_CONFIG_GW_PROVIDER=Other \
    RCLONE_CONFIG_GW_ACCESS_KEY_ID=bench RCLONE_CONFIG_GW_SECRET_ACCESS_KEY=bench-secret-key \
    RCLONE_CONFIG_GW_ENDPOINT="http://127.0.0.1:$port" RCLONE_CONFIG_GW_FORCE_PATH_STYLE=true \
    rclone sync -q "$tmp/show/public" gw:rclone/podcast
}

# requests FROM: requests the server logged from line FROM on.
requests() { tail -n +"$1" "$tmp/access.log" | awk '$1 != "log" { n++ } END { print n + 0 }'; }
# put_mb FROM: megabytes of the single PUTs logged from line FROM on
# (rclone's; castfeed sends feeds over 16 MiB in parts, which the log
# does not size, so its bytes come from its own report).
put_mb() { tail -n +"$1" "$tmp/access.log" | awk '$8 == "s3_PutObject" { b += $14 } END { printf "%.1f", b / 1e6 }'; }
# uploads FROM: the PUTs logged from line FROM on, by what they hold.
uploads() {
  tail -n +"$1" "$tmp/access.log" | awk '$8 == "s3_PutObject" {
      k = $9; sub(/^[^\/]*\//, "", k)
      if (k ~ /^feed\.(xml|atom|json)$/ || k ~ /^archive\//) f++
      else if (k ~ /\.html$/) p++
      else if (k ~ /^\.castfeed\//) m++
      else o++
    }
    END { printf "%d feeds, %d pages, %d other, %d manifest", f, p, o, m }'
}
lines() { wc -l <"$tmp/access.log"; }
now() { date +%s.%N; }

report() { # LABEL FROM START MB [EXTRA]
  local end; end=$(now)
  printf '%-34s %6d requests %7s MB %7.2f s%s\n' "$1" "$(requests "$(($2 + 1))")" "$4" "$(echo "$end - $3" | bc)" "${5:-}"
  printf '%-34s   uploaded: %s\n' "" "$(uploads "$(($2 + 1))")"
}
# last_publish FIELD: from castfeed status, the last publish's bytes
# (in MB) or its duration.
last_publish() {
  castfeed status --config "$tmp/show/config.yaml" | sed -n 's/^last publish to .*, [0-9]* uploaded (\([0-9]*\) bytes).* requests in \(.*\)$/\1 \2/p' |
    awk -v f="$1" '{ if (f == "mb") printf "%.1f", $1 / 1e6; else print $2 }'
}

castfeed build --offline --config "$tmp/show/config.yaml" >/dev/null # the folder alone, unmeasured
# Now to the bucket: the config changed, so the next build publishes.
sed -i "s|^output: {dir: public}|output: {dir: public, target: s3://castfeed/podcast, s3: {endpoint: \"http://127.0.0.1:$port\", path_style: true}}|" "$tmp/show/config.yaml"
files=$(find "$tmp/show/public" -type f | wc -l)
pages=$(find "$tmp/show/public" -type f -name '*.html' | wc -l)
if [ "$pages" -eq 0 ]; then
  echo "the build wrote no page: the site is off, and the benchmark would not measure the default" >&2
  exit 1
fi
echo "show: $n episodes, $files files in the output folder, $pages of them the site's pages"

from=$(lines); start=$(now)
castfeed build --offline --config "$tmp/show/config.yaml" >/dev/null
report "first publish: castfeed build" "$from" "$start" "$(last_publish mb)" "  (the publish alone: $(last_publish time))"
from=$(lines); start=$(now)
rclone_sync
report "first publish: rclone sync" "$from" "$start" "$(put_mb "$((from + 1))")"

# add_episode I: episode I, a copy of the last one under its own name,
# dated after every other (gen_show's dates end in 2024), as a new
# episode is: one dated among the old ones moves every show page after it.
add_episode() {
  local i=$1 last; last=$(printf '%06d' "$n")
  sed "s/Episode $n: /Episode $i: /; s/bench$last/bench$(printf '%06d' "$i")/; s/^date: .*/date: 2025-01-0$((i - n))/" \
    "$tmp/show/episodes/episode-$last.md" >"$tmp/show/episodes/episode-$(printf '%06d' "$i").md"
}
# seconds D: a Go duration (as castfeed status prints it) in seconds.
seconds() {
  awk -v d="$1" 'BEGIN {
    s = 0
    while (match(d, /^[0-9.]+(h|ms|µs|us|ns|m|s)/)) {
      u = substr(d, 1, RLENGTH); d = substr(d, RLENGTH + 1)
      v = u + 0; sub(/^[0-9.]+/, "", u)
      s += v * (u == "h" ? 3600 : u == "m" ? 60 : u == "s" ? 1 : u == "ms" ? 1e-3 : u == "ns" ? 1e-9 : 1e-6)
    }
    printf "%.3f", s
  }'
}
times=()
for i in $((n + 1)) $((n + 2)) $((n + 3)); do
  add_episode "$i"
  from=$(lines); start=$(now)
  castfeed build --offline --config "$tmp/show/config.yaml" >/dev/null
  t=$(last_publish time)
  times+=("$(seconds "$t")")
  report "one new episode ($((i - n))/3): castfeed build" "$from" "$start" "$(last_publish mb)" "  (the publish alone: $t)"
done
printf 'one new episode: the publish alone, median of 3: %s s\n' \
  "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)"
from=$(lines); start=$(now)
rclone_sync
report "one new episode: rclone sync" "$from" "$start" "$(put_mb "$((from + 1))")"

from=$(lines); start=$(now)
castfeed build --offline --config "$tmp/show/config.yaml" >/dev/null
report "nothing new: castfeed build" "$from" "$start" 0
