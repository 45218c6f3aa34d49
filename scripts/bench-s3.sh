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
#   one new episode    an episode added, castfeed build again, and rclone
#                      sync of the rebuilt folder
# For each: requests the server logged, megabytes uploaded, wall time;
# for castfeed also the publish alone (castfeed status), beside the whole
# build it is part of.
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
lines() { wc -l <"$tmp/access.log"; }
now() { date +%s.%N; }

report() { # LABEL FROM START MB [EXTRA]
  local end; end=$(now)
  printf '%-34s %6d requests %7s MB %7.2f s%s\n' "$1" "$(requests "$(($2 + 1))")" "$4" "$(echo "$end - $3" | bc)" "${5:-}"
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
echo "show: $n episodes, $files files in the output folder"

from=$(lines); start=$(now)
castfeed build --offline --config "$tmp/show/config.yaml" >/dev/null
report "first publish: castfeed build" "$from" "$start" "$(last_publish mb)" "  (the publish alone: $(last_publish time))"
from=$(lines); start=$(now)
rclone_sync
report "first publish: rclone sync" "$from" "$start" "$(put_mb "$((from + 1))")"

next=$(printf '%06d' $((n + 1)))
sed "s/Episode $n: /Episode $((n + 1)): /; s/bench$(printf '%06d' "$n")/bench$next/" \
  "$tmp/show/episodes/episode-$(printf '%06d' "$n").md" >"$tmp/show/episodes/episode-$next.md"
from=$(lines); start=$(now)
castfeed build --offline --config "$tmp/show/config.yaml" >/dev/null
report "one new episode: castfeed build" "$from" "$start" "$(last_publish mb)" "  (the publish alone: $(last_publish time))"
from=$(lines); start=$(now)
rclone_sync
report "one new episode: rclone sync" "$from" "$start" "$(put_mb "$((from + 1))")"

from=$(lines); start=$(now)
castfeed build --offline --config "$tmp/show/config.yaml" >/dev/null
report "nothing new: castfeed build" "$from" "$start" 0
