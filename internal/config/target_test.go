package config

import (
	"strings"
	"testing"
	"time"
)

func TestTarget(t *testing.T) {
	tests := []struct {
		name   string
		output string
		want   []string // substrings of the error; none: valid
		bucket string
		prefix string
	}{
		{name: "default is the folder", output: "output:\n  dir: public\n"},
		{name: "bucket and prefix", output: "output:\n  target: s3://my-show/feeds/main/\n  s3:\n    endpoint: http://127.0.0.1:9000\n    path_style: true\n", bucket: "my-show", prefix: "feeds/main"},
		{name: "bucket alone", output: "output:\n  target: s3://my-show\n", bucket: "my-show"},
		{name: "unknown target", output: "output:\n  target: ftp://host/x\n", want: []string{"config.yaml:23: output.target:", "s3://bucket/prefix"}},
		{name: "bucket name", output: "output:\n  target: s3://My_Show\n", want: []string{"config.yaml:23: output.target:", "not a valid bucket name"}},
		{name: "endpoint with path", output: "output:\n  target: s3://show\n  s3:\n    endpoint: https://example.com/s3\n", want: []string{"config.yaml:25: output.s3.endpoint:"}},
		{name: "every s3 problem with its line", output: "output:\n  target: s3://show\n  s3:\n    concurrency: 0\n    delete_after: -1h\n    acl: world\n    access_key_env: \"my key\"\n", want: []string{
			"config.yaml:25: output.s3.concurrency:",
			"config.yaml:26: output.s3.delete_after:",
			"config.yaml:27: output.s3.acl:",
			"config.yaml:28: output.s3.access_key_env:",
		}},
		{name: "unknown s3 key", output: "output:\n  target: s3://show\n  s3:\n    secret_key: abc\n", want: []string{"config.yaml:25:", "secret_key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parse(t, valid+tt.output)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("error for a valid target:\n%s\n%v", tt.output, err)
				}
				bucket, prefix, ok := c.Output.Bucket()
				if bucket != tt.bucket || prefix != tt.prefix || ok != (tt.bucket != "") {
					t.Errorf("Bucket() = %q, %q, %v; want %q, %q", bucket, prefix, ok, tt.bucket, tt.prefix)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error for:\n%s", tt.output)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestS3Defaults(t *testing.T) {
	s := Default().Output.S3
	if s.DeleteAfter != 24*time.Hour || s.Concurrency != 4 || s.ACL != "" || s.PathStyle {
		t.Errorf("defaults %+v; want a day's grace, 4 uploads at once, no ACL, the client's URL style", s)
	}
}

func TestS3Keys(t *testing.T) {
	c, err := parse(t, valid+"output:\n  target: s3://show\n  s3:\n    access_key_env: R2_KEY\n    secret_key_env: R2_SECRET\n")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"R2_KEY": "id", "R2_SECRET": "secret", "AWS_SESSION_TOKEN": "token", "AWS_ACCESS_KEY_ID": "not this one"}
	getenv := func(k string) string { return env[k] }
	if got := c.S3Keys(getenv); got != (S3Keys{"id", "secret", "token"}) {
		t.Errorf("keys %+v", got)
	}
	if err := c.CheckS3Keys(getenv); err != nil {
		t.Errorf("keys present: %v", err)
	}
	delete(env, "R2_SECRET")
	if err := c.CheckS3Keys(getenv); err == nil || !strings.Contains(err.Error(), "set R2_SECRET") {
		t.Errorf("a missing secret: %v; want it named", err)
	}
}
