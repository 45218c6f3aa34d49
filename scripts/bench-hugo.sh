#!/usr/bin/env bash
# bench-hugo.sh: Hugo doing castfeed's work on the same show, for
# scripts/bench.sh's ratios.
#
#   scripts/bench-hugo.sh SHOW WORK RUNS CASTFEED
#
# SHOW is a castfeed show folder (episodes/, config.yaml), WORK an empty
# folder for the Hugo site, CASTFEED the castfeed binary (its lint says
# which files are broken). The site does what a castfeed build does for
# the feed: one RSS with every published episode (title, date, guid,
# summary, the notes rendered as HTML, enclosure) and a chapters JSON per
# episode from its "0:04:00 - Topic" note lines. Hugo stops at the first
# broken file, so broken, unpublished and isNext files are left out of
# its copy (castfeed leaves them out of the feed too). Hugo has no
# incremental build outside its server, so "one edit" is a full build
# after one file changed. Reports the median of RUNS runs of each.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
show=$1 work=$2 runs=$3 castfeed=$4
tmp=$work/.bench
mkdir -p "$work/content/episodes" "$work/layouts/_default" "$tmp"
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

(cd "$show" && "$castfeed" lint --config config.yaml || true) | awk -F: '/: error: / {print $1}' | sort -u >"$tmp/broken"
for f in "$show"/episodes/*.md; do
  rel=episodes/$(basename "$f")
  grep -qxF "$rel" "$tmp/broken" && continue
  grep -qE '^(published: false|isNext: true)' "$f" && continue
  # Hugo reads "published" as a date (an alias of publishDate).
  sed 's/^published: /castfeed_published: /' "$f" >"$work/content/episodes/$(basename "$f")"
done

cat >"$work/hugo.toml" <<'TOML'
baseURL = "https://feeds.example.org/geeksblabla/"
title = "GeeksBlaBla (benchmark)"
disableKinds = ["taxonomy", "term", "sitemap", "robotsTXT", "404", "section"]
[outputs]
  home = ["RSS"]
  page = ["chapters"]
[outputFormats.chapters]
  mediaType = "application/json"
  baseName = "chapters"
  isPlainText = true
  notAlternative = true
[services.rss]
  limit = -1
TOML
cat >"$work/layouts/_default/rss.xml" <<'XML'
{{ printf "<?xml version=\"1.0\" encoding=\"utf-8\"?>" | safeHTML }}
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{{ .Site.Title }}</title><link>{{ .Permalink }}</link>
{{- range where .Site.RegularPages "Section" "episodes" }}
<item><title>{{ .Title }}</title><link>{{ .Params.youtube }}</link><guid isPermaLink="false">{{ .File.ContentBaseName }}</guid><pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate><description>{{ .Summary | plainify | htmlEscape }}</description><content:encoded>{{ .Content | htmlEscape }}</content:encoded><enclosure url="https://media.example.org/{{ .File.ContentBaseName }}.mp3" length="0" type="audio/mpeg"/></item>
{{- end }}
</channel></rss>
XML
cat >"$work/layouts/_default/single.chapters.json" <<'JSON'
{"version":"1.2.0","chapters":[{{ range $i, $m := findRE `(?m)^\d+:\d\d:\d\d - .*$` .RawContent }}{{ if $i }},{{ end }}{{ $p := split $m " - " }}{"startTime":{{ index $p 0 | jsonify }},"title":{{ delimit (after 1 $p) " - " | jsonify }}}{{ end }}]}
JSON

cd "$work"
n=$(ls content/episodes | wc -l)
echo "  ($n episodes copied for Hugo)"
hugo_build=(hugo --quiet --destination public)
measure "cold build" 'rm -rf public resources' "${hugo_build[@]}"
edit_hugo() { printf '\nEdited in run %s.\n' "$run" >>"content/episodes/$(ls content/episodes | sed -n "$((run * 37 % n + 1))p")"; }
measure "one edit" 'edit_hugo' "${hugo_build[@]}"
