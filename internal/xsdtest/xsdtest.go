// Package xsdtest checks a feed's podcast:* elements against the
// Podcasting 2.0 schema with xmllint, for tests. The schema files are a
// verbatim copy (CC0 1.0) in this package's testdata, with their
// provenance in testdata/README.md, so a fresh clone runs these tests.
package xsdtest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

const podcastNS = "https://podcastindex.org/namespace/1.0"

// schemaKnows lists the podcast:* elements the 2021 schema declares;
// newer ones (guid, …) are checked by their tag docs instead.
var schemaKnows = map[string]bool{
	"transcript": true, "locked": true, "funding": true, "chapters": true, "soundbite": true, "person": true,
	"location": true, "season": true, "episode": true, "value": true, "images": true,
}

// Elements copies every podcast:* element the schema knows, byte for byte
// as the feed has it, into the wrapper document the schema's README
// describes. It returns the document and the number of elements.
func Elements(t testing.TB, feed []byte) ([]byte, int) {
	t.Helper()
	var out bytes.Buffer
	out.WriteString(`<test-wrapper xmlns="` + podcastNS + `" xmlns:podcast="` + podcastNS + `">` + "\n")
	d := xml.NewDecoder(bytes.NewReader(feed))
	n := 0
	for {
		start := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("feed is not XML: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Space != podcastNS || !schemaKnows[se.Name.Local] {
			continue
		}
		if err := d.Skip(); err != nil {
			t.Fatal(err)
		}
		out.Write(bytes.TrimSpace(feed[start:d.InputOffset()]))
		out.WriteByte('\n')
		n++
	}
	out.WriteString("</test-wrapper>\n")
	return out.Bytes(), n
}

// Validate checks a wrapped document against the schema; the error holds
// xmllint's report.
func Validate(t testing.TB, doc []byte) error {
	t.Helper()
	name := filepath.Join(t.TempDir(), "podcast.xml")
	if err := os.WriteFile(name, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint(t), "--noout", "--schema", schema(t), name).CombinedOutput(); err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	return nil
}

// CheckFeed fails t unless feed is well-formed XML with podcast:*
// elements, all valid against the schema.
func CheckFeed(t testing.TB, feed []byte) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "feed.xml")
	if err := os.WriteFile(name, feed, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint(t), "--noout", name).CombinedOutput(); err != nil {
		t.Fatalf("the feed is not well-formed XML: %v\n%s", err, out)
	}
	doc, n := Elements(t, feed)
	if n == 0 {
		t.Fatal("the feed has no podcast:* element the schema knows")
	}
	if err := Validate(t, doc); err != nil {
		t.Fatalf("podcast:* elements do not validate against the Podcasting 2.0 schema: %v", err)
	}
}

func xmllint(t testing.TB) string {
	p, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not found: install it (Debian: apt-get install libxml2-utils); .ci/run does")
	}
	return p
}

// schema returns testdata/podcast-wrapper.xsd of this package, found
// from this file's path: the tests that call it run in other packages'
// folders.
func schema(t testing.TB) string {
	_, here, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(here), "testdata", "podcast-wrapper.xsd")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("Podcasting 2.0 schema not found: %v (it belongs to the repository, in internal/xsdtest/testdata)", err)
	}
	return p
}
