package config

import (
	"net/url"
	"regexp"
	"strings"
	"time"
)

// S3 configures publishing to S3-compatible object storage
// (output.target: s3://bucket/prefix). The keys are never in the file:
// the *_env settings name the environment variables holding them.
type S3 struct {
	// Endpoint is the storage's S3 API URL, e.g.
	// https://<account>.r2.cloudflarestorage.com; empty is AWS S3.
	Endpoint string `yaml:"endpoint"`
	Region   string `yaml:"region"`
	// PathStyle forces endpoint/bucket/key URLs (MinIO, Garage, Ceph on
	// an IP address); otherwise the client picks.
	PathStyle bool `yaml:"path_style"`
	// DeleteAfter is how long an object no feed names any more is kept,
	// for apps still holding an older feed.
	DeleteAfter time.Duration `yaml:"delete_after"`
	Concurrency int           `yaml:"concurrency"`
	// ACL is a canned ACL sent with each object, e.g. public-read; empty
	// sends none (the bucket's policy decides).
	ACL             string `yaml:"acl"`
	AccessKeyEnv    string `yaml:"access_key_env"`
	SecretKeyEnv    string `yaml:"secret_key_env"`
	SessionTokenEnv string `yaml:"session_token_env"`
}

func defaultS3() S3 {
	return S3{
		Region:          "us-east-1",
		DeleteAfter:     24 * time.Hour,
		Concurrency:     4,
		AccessKeyEnv:    "AWS_ACCESS_KEY_ID",
		SecretKeyEnv:    "AWS_SECRET_ACCESS_KEY",
		SessionTokenEnv: "AWS_SESSION_TOKEN",
	}
}

// Bucket returns the bucket and prefix of an s3:// output.target; ok is
// false for the folder target.
func (o Output) Bucket() (bucket, prefix string, ok bool) {
	rest, ok := strings.CutPrefix(o.Target, "s3://")
	if !ok {
		return "", "", false
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	return bucket, strings.Trim(prefix, "/"), true
}

// S3Keys holds the storage credentials read from the environment.
type S3Keys struct {
	AccessKey, SecretKey, SessionToken string
}

// S3Keys looks up the storage credentials in the environment variables
// that output.s3 names. Secrets are looked up here and nowhere else.
func (c *Config) S3Keys(getenv func(string) string) S3Keys {
	s := c.Output.S3
	k := S3Keys{AccessKey: getenv(s.AccessKeyEnv), SecretKey: getenv(s.SecretKeyEnv)}
	if s.SessionTokenEnv != "" {
		k.SessionToken = getenv(s.SessionTokenEnv)
	}
	return k
}

// bucketRE is S3's rule for bucket names (lower case, digits, dots and
// hyphens, 3 to 63 characters, starting and ending with a letter or
// digit).
var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// validateTarget checks output.target and, for a bucket, output.s3.
func (c *Config) validateTarget() []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, c.Errorf(key, format, args...))
	}
	o := c.Output
	bucket, prefix, isS3 := o.Bucket()
	switch {
	case o.Target == "dir":
		return nil
	case !isS3:
		bad("output.target", "%q must be dir (serve the output folder) or an object storage URL like s3://bucket/prefix", o.Target)
		return errs
	case !bucketRE.MatchString(bucket):
		bad("output.target", "%q is not a valid bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, e.g. s3://my-podcast/feeds", bucket)
	case strings.Contains(prefix, "//") || strings.HasPrefix(prefix, ".castfeed"):
		bad("output.target", "prefix %q must be a plain folder path, e.g. s3://%s/show", prefix, bucket)
	}
	s := o.S3
	if s.Endpoint != "" {
		u, err := url.Parse(s.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
			bad("output.s3.endpoint", "%q must be the storage's S3 API URL without a path, e.g. https://<account>.r2.cloudflarestorage.com or http://127.0.0.1:9000", s.Endpoint)
		}
	}
	if s.Concurrency < 1 || s.Concurrency > 64 {
		bad("output.s3.concurrency", "%d must be between 1 and 64 uploads at once", s.Concurrency)
	}
	if s.DeleteAfter < 0 {
		bad("output.s3.delete_after", "must not be negative: it is how long objects no feed names are kept, e.g. 24h")
	}
	if s.ACL != "" && s.ACL != "private" && s.ACL != "public-read" {
		bad("output.s3.acl", "%q must be empty (the bucket policy decides), private or public-read", s.ACL)
	}
	for _, e := range []struct{ key, val string }{
		{"output.s3.access_key_env", s.AccessKeyEnv},
		{"output.s3.secret_key_env", s.SecretKeyEnv},
	} {
		if !envNameRE.MatchString(e.val) {
			bad(e.key, "%q must name an environment variable holding the key, e.g. AWS_ACCESS_KEY_ID; keys never go in the file", e.val)
		}
	}
	if s.SessionTokenEnv != "" && !envNameRE.MatchString(s.SessionTokenEnv) {
		bad("output.s3.session_token_env", "%q must name an environment variable, e.g. AWS_SESSION_TOKEN", s.SessionTokenEnv)
	}
	return errs
}

// CheckS3Keys reports, for an s3:// target, a missing key in the
// environment, naming the variable to set. Lint calls it: no request is
// made.
func (c *Config) CheckS3Keys(getenv func(string) string) error {
	if _, _, ok := c.Output.Bucket(); !ok {
		return nil
	}
	k := c.S3Keys(getenv)
	var missing []string
	if k.AccessKey == "" {
		missing = append(missing, c.Output.S3.AccessKeyEnv)
	}
	if k.SecretKey == "" {
		missing = append(missing, c.Output.S3.SecretKeyEnv)
	}
	if len(missing) == 0 {
		return nil
	}
	return c.Errorf("output.target", "publishing to %s needs the storage keys in the environment; set %s", c.Output.Target, strings.Join(missing, " and "))
}
