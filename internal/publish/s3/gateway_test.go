package s3_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/castfeed/castfeed/internal/s3test"
)

// client is an independent minio client for reading the bucket back.
func client(t testing.TB, g *s3test.Gateway) *minio.Client {
	t.Helper()
	c, err := minio.New(g.Addr, &minio.Options{Creds: credentials.NewStaticV4(s3test.AccessKey, s3test.SecretKey, ""),
		BucketLookup: minio.BucketLookupPath, Transport: http.DefaultTransport.(*http.Transport).Clone()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// addReader creates a gateway account that may read the bucket (a
// bucket policy says so) but not write it.
func addReader(t testing.TB, g *s3test.Gateway, key, secret string) {
	t.Helper()
	g.AddUser(key, secret)
	policy := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[%q]},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::show","arn:aws:s3:::show/*"]}]}`, key)
	if err := client(t, g).SetBucketPolicy(context.Background(), s3test.Bucket, policy); err != nil {
		t.Fatalf("set bucket policy: %v", err)
	}
}
