#!/usr/bin/env bash
# The test command (the README's, and all .ci/run does): install the real
# components the tests use as independent judges when they are missing,
# gate on gofmt and go vet (for every system castfeed is built for), then
# run every test with the race detector.
#
#   xmllint            the Podcasting 2.0 XSD      apt: libxml2-utils
#   ffprobe, ffmpeg    chapters in the audio       apt: ffmpeg
#   mutagen            ID3 frames                  apt: python3-mutagen
#   chromium           the pages, in a browser     apt: chromium
#   rclone             a second S3 client          apt: rclone
#   node, npm          axe-core, html-validate     apt: nodejs npm
#   versitygw          a real S3 server            go install
#
# Installing needs root (apt-get); without it, the tests that need a
# missing tool fail and say how to install it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$(go env GOPATH)/bin"

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have xmllint || need+=(libxml2-utils)
have ffprobe || need+=(ffmpeg)
# Debian's mutagen is for Debian's python3, which a pyenv python3 on PATH
# may hide; the tests look at both.
{ /usr/bin/python3 -c 'import mutagen' || python3 -c 'import mutagen'; } >/dev/null 2>&1 || need+=(python3-mutagen)
have chromium || need+=(chromium)
have rclone || need+=(rclone)
have npm || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "test.sh: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -d site/testdata/npm/node_modules/axe-core ] || [ ! -d site/testdata/npm/node_modules/html-validate ]; then
  echo "test.sh: installing axe-core and html-validate" >&2
  npm install --prefix site/testdata/npm --no-save --no-audit --no-fund axe-core@4.14.1 html-validate@9.7.1 >/dev/null
fi
if ! have versitygw; then
  echo "test.sh: building versitygw (about two minutes)" >&2
  go install github.com/versity/versitygw/cmd/versitygw@v1.8.0
fi

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" $unformatted >&2
  exit 1
fi
for os in linux darwin windows; do
  GOOS=$os go vet ./...
done

go test -race ./...
