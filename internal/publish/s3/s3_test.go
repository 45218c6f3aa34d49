package s3_test

import (
	"testing"
)

func TestFirstPublish(t *testing.T) {
	g := startGateway(t)
	s := newShow(t)
	b := newBucket(t, g.url(), nil)
	rep := mustSync(t, b, s.source())
	t.Logf("%+v", rep)
	for _, a := range rep.Actions {
		t.Log(a)
	}
	if d := sameFiles(bucketFiles(t, g.client(rootKey, rootSecret)), s.files()); d != "" {
		t.Fatal(d)
	}
}
