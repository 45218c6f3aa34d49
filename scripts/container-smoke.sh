#!/usr/bin/env bash
# container-smoke.sh: what the Docker image promises, checked without a
# Docker engine (none runs on our build machines).
#
#   sudo scripts/container-smoke.sh
#
# It builds castfeed as the Dockerfile's first stage does (CGO_ENABLED=0,
# -trimpath) and runs it the way the image's second stage does: in an
# empty root that holds the binary, the example show and a /data folder,
# as the distroless image's nonroot user (65532), with the image's ENV,
# no libc, no time zone files and no curl. It checks that the binary is static, that
# `castfeed serve` publishes and serves the example show from /data, and
# that the image's HEALTHCHECK command (`castfeed healthcheck`) passes
# while it runs and fails once it stops. Needs root (chroot) and curl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
[ "$(id -u)" = 0 ] || { echo "container-smoke.sh: run as root (it uses chroot)" >&2; exit 1; }
root=$(mktemp -d)
chmod 755 "$root" # the image's user must reach the binary
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$root"
}
trap cleanup EXIT

mkdir -p "$root/usr/local/bin" "$root/data" "$root/show" "$root/tmp"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=smoke" -o "$root/usr/local/bin/castfeed" ./cmd/castfeed
if ldd "$root/usr/local/bin/castfeed" >/dev/null 2>&1; then
  echo "FAIL: the binary is dynamically linked" >&2
  exit 1
fi
echo "ok: static binary, $(($(stat -c %s "$root/usr/local/bin/castfeed") / 1024)) KB"

# The example show and the repository's config.yaml, unchanged, owned by
# root: the image's user cannot write there, as on the README's :ro mount.
cp -r examples config.yaml "$root/show/"
chmod -R a-w "$root/show"
chown -R 65532:65532 "$root/data"
chmod 1777 "$root/tmp"

# The Dockerfile's ENV, read from it, moves output and state under /data.
image_env=$(sed -n 's/^ENV //p' Dockerfile)
[ -n "$image_env" ] || { echo "FAIL: no ENV in the Dockerfile" >&2; exit 1; }
in_image() { env $image_env chroot --userspec=65532:65532 "$root" /usr/local/bin/castfeed "$@"; }
# Not through in_image: $! must be castfeed's pid (env and chroot exec it).
env $image_env chroot --userspec=65532:65532 "$root" /usr/local/bin/castfeed serve --config /show/config.yaml --addr 127.0.0.1:18099 2>"$root/serve.log" &
pid=$!
for _ in $(seq 100); do
  curl -fso /dev/null http://127.0.0.1:18099/readyz && break
  sleep 0.1
done
curl -fsS http://127.0.0.1:18099/feed.xml | grep -q '<itunes:category text="Technology"' \
  || { echo "FAIL: no feed served" >&2; cat "$root/serve.log" >&2; exit 1; }
echo "ok: serve published the example show into /data as uid 65532 and serves it"
[ -z "$(find "$root/show" -newer "$root/show/config.yaml" -print -quit)" ] \
  || { echo "FAIL: castfeed wrote into /show" >&2; exit 1; }
echo "ok: the repository's config.yaml works as is; nothing written into /show"
[ "$(stat -c %u "$root/data/public")" = 65532 ] || { echo "FAIL: /data/public not owned by 65532" >&2; exit 1; }
grep -q '+0100\|+0000' "$root/data/public/feed.xml" \
  || { echo "FAIL: pubDate without the show's zone: time zone data missing?" >&2; exit 1; }
echo "ok: dates in Africa/Casablanca without /usr/share/zoneinfo"
in_image healthcheck --url http://127.0.0.1:18099/healthz
echo "ok: HEALTHCHECK passes while serving"
kill "$pid" # SIGTERM, as docker stop sends
wait "$pid" || { echo "FAIL: serve exited $? on SIGTERM, want 0" >&2; exit 1; }
pid=
echo "ok: serve exits 0 on SIGTERM"
if in_image healthcheck --url http://127.0.0.1:18099/healthz 2>/dev/null; then
  echo "FAIL: HEALTHCHECK passes with no server" >&2
  exit 1
fi
echo "ok: HEALTHCHECK fails once the server is gone"
