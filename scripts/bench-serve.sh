#!/usr/bin/env bash
# bench-serve.sh: castfeed serve against nginx, side by side, under wrk.
#
#   scripts/bench-serve.sh [EPISODES] [SECONDS] [ROUNDS]   (defaults: 200, 10, 3)
#
# It builds castfeed and a synthetic show of EPISODES episodes (200 make a
# feed.xml of a few hundred KB), publishes it, then serves the same folder
# with "castfeed serve" and with nginx (Debian's nginx-light, gzip on the
# fly at its default level, as most hosts run it). wrk drives each server
# in turn for SECONDS seconds with 64 connections on 2 threads:
#   gzip GET   full GETs of /feed.xml with Accept-Encoding: gzip
#   304        the same with If-None-Match: the ETag that server gave
# ROUNDS times, alternating the servers (a shared VM's speed drifts over
# minutes), and prints the median requests/second of each, the p99
# latency of that median run, and the ratio of the medians. A third
# server, scripts/nethttp-floor, answers every request 304 and does
# nothing else: "304 floor" is the rate no server built on Go's net/http
# passes on this machine. Aims (issue #4): gzip GETs ≥ 2× nginx (castfeed
# compresses once per published version, nginx per request); 304s ≥ 80%.
# wrk, the servers and the show share the machine: compare the two
# columns of one run, not runs on different machines.
#
# Needs wrk and nginx: apt-get install -y wrk nginx-light (as root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
n=${1:-200}
secs=${2:-10}
rounds=${3:-3}
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "bench-serve.sh: $tool not found; apt-get install -y wrk nginx-light curl" >&2; exit 1; }
done
tmp=$(mktemp -d)
chmod 755 "$tmp" # nginx workers run as an unprivileged user
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/castfeed" ./cmd/castfeed
go build -o "$tmp/floor" ./scripts/nethttp-floor
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"
gen_show "$n" "$tmp/show"
"$tmp/castfeed" build --offline --config "$tmp/show/config.yaml" 2>/dev/null
size=$(stat -c %s "$tmp/show/public/feed.xml")

ours=127.0.0.1:18080
theirs=127.0.0.1:18081
floor=127.0.0.1:18082
"$tmp/floor" "$floor" 2>"$tmp/floor.log" &
pids+=($!)
"$tmp/castfeed" serve --config "$tmp/show/config.yaml" --addr "$ours" 2>"$tmp/serve.log" &
pids+=($!)
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<NGINX
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  types { application/rss+xml xml; }
  sendfile on;
  etag on;
  gzip on;
  gzip_types application/rss+xml;
  client_body_temp_path $tmp/nginx;
  proxy_temp_path $tmp/nginx;
  fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx;
  scgi_temp_path $tmp/nginx;
  server {
    listen $theirs;
    root $tmp/show/public;
  }
}
NGINX
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
pids+=($!)
for addr in "$ours" "$theirs"; do
  for _ in $(seq 100); do curl -fso /dev/null "http://$addr/feed.xml" && break; sleep 0.1; done
done

# etag ADDR: the ETag a server sends for a gzip GET of the feed.
etag() { curl -fsI -H 'Accept-Encoding: gzip' "http://$1/feed.xml" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag" {print $2}'; }

# run NAME ADDR [HEADER...]: wrk; prints "requests/s p99".
run() {
  local addr=$2
  shift 2
  local hdrs=()
  for h in "$@"; do hdrs+=(-H "$h"); done
  wrk -t2 -c64 -d"${secs}s" --latency "${hdrs[@]}" "http://$addr/feed.xml" >"$tmp/wrk.out"
  if grep -q 'Non-2xx or 3xx' "$tmp/wrk.out"; then
    echo "bench-serve.sh: $1 answered errors:" >&2
    cat "$tmp/wrk.out" >&2
    exit 1
  fi
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.out")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/wrk.out")
  echo "$rps $p99"
}

# Both must answer the gzip GET with gzip and a 200, or the race is unfair.
for addr in "$ours" "$theirs"; do
  curl -fsS -o /dev/null -D "$tmp/h" -H 'Accept-Encoding: gzip' "http://$addr/feed.xml"
  grep -qi '^content-encoding: gzip' "$tmp/h" || { echo "bench-serve.sh: $addr does not gzip feed.xml" >&2; cat "$tmp/h" >&2; exit 1; }
done

echo "feed.xml: $n episodes, $size bytes; $(nproc) cores; wrk -t2 -c64 -d${secs}s; median of $rounds rounds"
our_etag=$(etag "$ours")
ng_etag=$(etag "$theirs")
# median: of "rps p99" lines, the line with the median rps.
median() { sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
for test in gz 304; do
  : >"$tmp/$test.ours"
  : >"$tmp/$test.nginx"
  : >"$tmp/$test.floor"
  for _ in $(seq "$rounds"); do
    if [ "$test" = gz ]; then
      run castfeed "$ours" 'Accept-Encoding: gzip' >>"$tmp/$test.ours"
      run nginx "$theirs" 'Accept-Encoding: gzip' >>"$tmp/$test.nginx"
    else
      run castfeed "$ours" 'Accept-Encoding: gzip' "If-None-Match: $our_etag" >>"$tmp/$test.ours"
      run nginx "$theirs" 'Accept-Encoding: gzip' "If-None-Match: $ng_etag" >>"$tmp/$test.nginx"
      run floor "$floor" 'Accept-Encoding: gzip' 'If-None-Match: "floor"' >>"$tmp/$test.floor"
    fi
  done
done
read -r our_gz our_gz99 < <(median <"$tmp/gz.ours")
read -r ng_gz ng_gz99 < <(median <"$tmp/gz.nginx")
read -r our_304 our_30499 < <(median <"$tmp/304.ours")
read -r ng_304 ng_30499 < <(median <"$tmp/304.nginx")
printf '%-10s %14s %10s %14s %10s %8s\n' test castfeed_rps p99 nginx_rps p99 ratio
printf '%-10s %14s %10s %14s %10s %8.2f\n' "gzip GET" "$our_gz" "$our_gz99" "$ng_gz" "$ng_gz99" "$(echo "$our_gz / $ng_gz" | bc -l)"
printf '%-10s %14s %10s %14s %10s %8.2f\n' "304" "$our_304" "$our_30499" "$ng_304" "$ng_30499" "$(echo "$our_304 / $ng_304" | bc -l)"
read -r fl_304 fl_30499 < <(median <"$tmp/304.floor")
printf '%-10s %14s %10s %14s %10s %8.2f\n' "304 floor" "$fl_304" "$fl_30499" "$ng_304" "$ng_30499" "$(echo "$fl_304 / $ng_304" | bc -l)"
echo "all rounds (rps p99), castfeed | nginx:"
for test in gz 304; do
  echo "  $test: $(tr '\n' ' ' <"$tmp/$test.ours")| $(tr '\n' ' ' <"$tmp/$test.nginx")"
done
echo "  304 floor: $(tr '\n' ' ' <"$tmp/304.floor")"
