package s3

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/castfeed/castfeed/internal/publish"
)

// Config is what a Bucket needs; internal/config holds the user's side.
type Config struct {
	Bucket string
	Prefix string // "" or a folder of the bucket, without slashes around
	// Endpoint is the storage's URL, e.g. https://<account>.r2.cloudflarestorage.com;
	// "" is AWS S3.
	Endpoint string
	Region   string
	// PathStyle forces endpoint/bucket/key URLs; otherwise the client
	// picks (virtual-hosted for AWS, path style for the others).
	PathStyle bool
	// DeleteAfter is how long an object no version names is kept.
	DeleteAfter time.Duration
	Concurrency int    // uploads at once; 0: 4
	ACL         string // canned ACL for each object (public-read); "" sends none

	AccessKey, SecretKey, SessionToken string

	// DigestCache is a file remembering the digest of each local file
	// (state.dir); "" hashes every file on every Sync.
	DigestCache string
	DryRun      bool // plan, read the bucket, write nothing

	// Files up to SinglePutMax (0: 64 MiB) go up in one PUT, streamed
	// from the file; larger ones in parts of PartSize (0: 16 MiB), two at
	// a time, so memory stays under about Concurrency × 2 × PartSize.
	SinglePutMax int64
	PartSize     uint64
	// Retries bounds the attempts after the first of each request on
	// 5xx, throttling and network errors, waiting RetryBase, then twice
	// as long each time, up to RetryMax.
	Retries             int // 0: 5
	RetryBase, RetryMax time.Duration

	Transport http.RoundTripper // nil: http.DefaultTransport's settings
	Now       func() time.Time  // nil: time.Now
	Logger    *slog.Logger
}

// Errors a caller (and a test) can tell apart; each comes wrapped with
// what to do.
var (
	ErrCredentials = errors.New("the storage refused the keys")
	ErrNoBucket    = errors.New("the bucket does not exist")
	ErrNotS3       = errors.New("the endpoint does not answer as S3 storage")
	ErrNotWritable = errors.New("the keys cannot write to the bucket")
	ErrChanged     = errors.New("a file changed while it was uploaded")
)

// Bucket is a prefix of an S3 bucket as a publish.Target.
type Bucket struct {
	cfg      Config
	client   *minio.Client
	log      *slog.Logger
	now      func() time.Time
	requests atomic.Int64
	// noChecksum: the store refused checksumSHA256, so single PUTs carry
	// Content-MD5 instead.
	noChecksum atomic.Bool
	endpoint   string // for messages
}

var _ publish.Target = (*Bucket)(nil)

// New checks c and returns its Bucket; it makes no request.
func New(c Config) (*Bucket, error) {
	if c.Bucket == "" {
		return nil, errors.New("s3: no bucket")
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return nil, fmt.Errorf("%w: no access key in the environment; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the variables named by output.s3.access_key_env and secret_key_env)", ErrCredentials)
	}
	endpoint := c.Endpoint
	if endpoint == "" {
		endpoint = "https://s3.amazonaws.com"
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
		return nil, fmt.Errorf("s3: endpoint %q must be a URL like https://host[:port], without a path", c.Endpoint)
	}
	c.Concurrency = cmpOr(c.Concurrency, 4)
	c.PartSize = cmpOr(c.PartSize, 16<<20)
	c.SinglePutMax = cmpOr(c.SinglePutMax, 64<<20)
	c.Retries = cmpOr(c.Retries, 5)
	c.RetryBase = cmpOr(c.RetryBase, 200*time.Millisecond)
	c.RetryMax = cmpOr(c.RetryMax, 5*time.Second)
	c.Prefix = strings.Trim(c.Prefix, "/")
	b := &Bucket{cfg: c, log: c.Logger, now: c.Now, endpoint: u.Scheme + "://" + u.Host}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.now == nil {
		b.now = time.Now
	}
	base := c.Transport
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = 2 * time.Minute // a stalled store is retried, not waited on forever
		t.MaxIdleConnsPerHost = c.Concurrency * 2
		base = t
	}
	lookup := minio.BucketLookupAuto
	if c.PathStyle {
		lookup = minio.BucketLookupPath
	}
	b.client, err = minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(c.AccessKey, c.SecretKey, c.SessionToken),
		Secure:       u.Scheme == "https",
		Region:       c.Region,
		BucketLookup: lookup,
		Transport:    countingTransport{base, &b.requests},
		MaxRetries:   1, // retries are ours (retry), with our backoff and logs
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	return b, nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func (b *Bucket) String() string {
	if b.cfg.Prefix == "" {
		return "s3://" + b.cfg.Bucket
	}
	return "s3://" + b.cfg.Bucket + "/" + b.cfg.Prefix
}

// countingTransport counts the requests made to the store.
type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int64
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.next.RoundTrip(r)
}

// objectKey is the bucket key of a name relative to the prefix.
func (b *Bucket) objectKey(name string) string {
	if b.cfg.Prefix == "" {
		return name
	}
	return b.cfg.Prefix + "/" + name
}

// Sync makes the bucket serve src; see the package comment for the order
// and the promises. The order is the promise (media, pages, archive
// pages, feeds, manifest, then deletions), so the phases stay in sequence
// here rather than behind calls that would hide it.
func (b *Bucket) Sync(ctx context.Context, src publish.Source) (rep publish.Report, err error) {
	start := b.now()
	began := time.Now()
	reqs := b.requests.Load()
	rep = publish.Report{Target: b.String(), Started: start, DryRun: b.cfg.DryRun}
	defer func() {
		rep.Duration = time.Since(began)
		rep.Requests = int(b.requests.Load() - reqs)
	}()
	stage := time.Now()
	// lap logs how long a stage took, for whoever tunes a large show.
	lap := func(name string) {
		b.log.Debug("sync stage", "stage", name, "duration_ms", time.Since(stage).Milliseconds())
		stage = time.Now()
	}
	// The manifest is fetched and decoded, and the digest cache read,
	// while the folder is walked: none needs the others, and on a large
	// show each takes a while.
	got := make(chan fetched, 1)
	go func() { got <- b.fetch(ctx) }()
	cached := make(chan *digestCache, 1)
	go func() { cached <- openDigestCache(b.cfg.DigestCache) }()
	files, err := local(src)
	cache := <-cached
	if err == nil {
		err = cache.fill(files)
	}
	m := <-got
	if err != nil {
		return rep, err
	}
	lap("scan")
	remote, oldBytes, err := b.remote(ctx, files, m)
	if err != nil {
		return rep, err
	}
	lap("remote")
	p := b.plan(files, remote, start)
	lap("plan")
	rep.Skipped = len(files) - len(p.uploads)
	rep.Unreferenced = p.unreferenced
	rep.DeletionsDue = p.deletionsDue
	slices.SortStableFunc(p.uploads, func(x, y upload) int { return phaseOf(x.f.key) - phaseOf(y.f.key) })
	for _, u := range p.uploads {
		rep.Actions = append(rep.Actions, publish.Action{Op: "upload", Key: u.f.key, Size: u.f.size, Reason: u.reason})
	}
	for _, d := range p.deletes {
		rep.Actions = append(rep.Actions, publish.Action{Op: "delete", Key: d.key, Size: d.size, Reason: "unreferenced since " + d.since.UTC().Format(time.RFC3339)})
	}
	if b.cfg.DryRun {
		return rep, nil
	}
	// The digests are the local files', whatever becomes of the uploads:
	// the cache is written while they go.
	saved := make(chan error, 1)
	go func() { saved <- cache.save(files) }()
	defer func() {
		if err := <-saved; err != nil {
			b.log.Warn("cannot save the digest cache; the next publish reads every file again", "error", err)
		}
	}()

	// Assets and media, pages, archive pages, feeds: each phase starts
	// when the one before is all up.
	for phase := range phases {
		var batch []upload
		for _, u := range p.uploads {
			if phaseOf(u.f.key) == phase {
				batch = append(batch, u)
			}
		}
		err := b.each(ctx, len(batch), func(ctx context.Context, i int) error {
			f := batch[i].f
			etag, err := b.put(ctx, f)
			if err != nil {
				return err
			}
			p.mu.Lock()
			p.next.Objects[f.key] = object{Size: f.size, SHA256: f.sum, ContentType: f.kind.ContentType, CacheControl: f.kind.CacheControl, ETag: etag}
			rep.Uploaded++
			rep.Bytes += f.size
			p.mu.Unlock()
			return nil
		})
		if err != nil {
			return rep, err
		}
		lap(fmt.Sprintf("upload phase %d", phase))
	}
	// The feeds are up: the manifest may now say so, and only then do
	// deletions begin.
	if data := p.next.encode(); !bytes.Equal(data, oldBytes) {
		if err := b.putManifest(ctx, data); err != nil {
			return rep, err
		}
		lap("manifest")
	}
	if len(p.deletes) > 0 {
		deleted, err := b.delete(ctx, p.deletes)
		for _, key := range deleted {
			delete(p.next.Objects, key)
		}
		rep.Deleted = len(deleted)
		rep.Unreferenced -= len(deleted)
		if len(deleted) > 0 {
			if perr := b.putManifest(ctx, p.next.encode()); perr != nil {
				return rep, errors.Join(err, perr)
			}
		}
		if err != nil {
			return rep, err
		}
	}
	b.log.Info("bucket synced", "target", b.String(), "uploaded", rep.Uploaded, "skipped", rep.Skipped,
		"deleted", rep.Deleted, "unreferenced", rep.Unreferenced, "bytes", rep.Bytes,
		"requests", b.requests.Load()-reqs, "duration_ms", time.Since(began).Milliseconds())
	return rep, nil
}

// phases of the upload order; see phaseOf.
const phases = 4

// phaseOf is when name is uploaded: what the feeds and pages name comes
// first, the feeds last. feed.xml, feed.atom and feed.json name the same
// objects and not one another, so they go up together.
func phaseOf(name string) int {
	switch {
	case name == "feed.xml" || name == "feed.json" || name == "feed.atom":
		return 3
	case strings.HasPrefix(name, "archive/feed-"):
		// The archive pages (feed.limit) name episodes too, and
		// the feeds link to them.
		return 2
	case path.Ext(name) == ".html":
		return 1
	}
	return 0
}

type upload struct {
	f      file
	reason string
}

type removal struct {
	key   string
	size  int64
	since time.Time
}

// plan is what a Sync does: the uploads, the deletions and the manifest
// that describes the bucket once they are done.
type plan struct {
	uploads      []upload
	deletes      []removal
	unreferenced int
	deletionsDue time.Time  // when the first kept unreferenced object may go
	mu           sync.Mutex // next.Objects, written by the uploads
	next         *manifest
}

// plan compares the local files with what the bucket holds.
func (b *Bucket) plan(files []file, remote map[string]object, now time.Time) *plan {
	p := &plan{next: &manifest{Version: manifestVersion, Bucket: b.cfg.Bucket, Prefix: b.cfg.Prefix, Objects: make(map[string]object, len(files))}}
	local := make(map[string]bool, len(files))
	for _, f := range files {
		local[f.key] = true
		o, ok := remote[f.key]
		switch {
		case !ok:
			p.uploads = append(p.uploads, upload{f, "new"})
		case o.SHA256 != f.sum || o.Size != f.size:
			p.uploads = append(p.uploads, upload{f, "changed"})
		case o.ContentType != f.kind.ContentType || o.CacheControl != f.kind.CacheControl:
			p.uploads = append(p.uploads, upload{f, "metadata"})
		default:
			o.Unreferenced = nil // named again
			p.next.Objects[f.key] = o
		}
	}
	for key, o := range remote {
		if local[key] {
			continue
		}
		if o.Unreferenced == nil {
			t := now.UTC()
			o.Unreferenced = &t
		}
		p.next.Objects[key] = o
		p.unreferenced++
		due := o.Unreferenced.Add(b.cfg.DeleteAfter)
		if !now.Before(due) {
			p.deletes = append(p.deletes, removal{key, o.Size, *o.Unreferenced})
		} else if p.deletionsDue.IsZero() || due.Before(p.deletionsDue) {
			p.deletionsDue = due
		}
	}
	slices.SortFunc(p.deletes, func(x, y removal) int { return strings.Compare(x.key, y.key) })
	return p
}

// fetched is the bucket's manifest as fetch read it.
type fetched struct {
	data []byte
	m    *manifest
	err  error // from the request: errNoManifest, or not to be passed over
	derr error // why m is not to be trusted
}

func (b *Bucket) fetch(ctx context.Context) fetched {
	data, err := b.getManifest(ctx)
	if err != nil {
		return fetched{err: err}
	}
	m, derr := decodeManifest(data, b.cfg.Bucket, b.cfg.Prefix)
	return fetched{data: data, m: m, derr: derr}
}

// remote tells what the bucket holds from the manifest f, or when it is
// missing or not to be trusted, from a listing. It also returns the
// manifest's bytes, so an unchanged one is not written again.
func (b *Bucket) remote(ctx context.Context, files []file, f fetched) (map[string]object, []byte, error) {
	switch {
	case f.err == nil && f.derr == nil:
		return f.m.Objects, f.data, nil
	case f.err == nil:
		b.log.Warn("the bucket's manifest is not trusted; listing the bucket instead", "target", b.String(), "reason", f.derr)
	case !errors.Is(f.err, errNoManifest):
		return nil, nil, f.err
	}
	objs, err := b.list(ctx, files)
	return objs, nil, err
}

var errNoManifest = errors.New("no manifest")

func (b *Bucket) getManifest(ctx context.Context) ([]byte, error) {
	var data []byte
	err := b.retry(ctx, "get", manifestName, func() error {
		obj, err := b.client.GetObject(ctx, b.cfg.Bucket, b.objectKey(manifestName), minio.GetObjectOptions{})
		if err != nil {
			return err
		}
		defer obj.Close()
		data, err = io.ReadAll(obj)
		return err
	})
	if code(err) == "NoSuchKey" {
		return nil, errNoManifest
	}
	if err != nil {
		return nil, b.explain("read", manifestName, err)
	}
	return data, nil
}

func (b *Bucket) putManifest(ctx context.Context, data []byte) error {
	err := b.retry(ctx, "put", manifestName, func() error {
		_, err := b.putObject(ctx, manifestName, bytes.NewReader(data), int64(len(data)), publish.Kind{ContentType: "text/plain; charset=utf-8", CacheControl: "no-store"}, sum(data))
		return err
	})
	return b.explain("write", manifestName, err)
}

// metaSHA256 is the user metadata holding an object's SHA-256, read back
// by HEAD when the manifest is missing (an ETag is an MD5 only for
// single-part uploads without SSE-KMS).
const metaSHA256 = "Castfeed-Sha256"

// checksumSHA256 is the header by which the store checks a single PUT's
// bytes against the SHA-256 the scan computed (AWS S3's additional
// checksums; versitygw checks it, as TestStoreChecksTheDigest shows). It
// replaces Content-MD5, which made minio-go read each file once more for
// an MD5, and signing the payload, which would read it again for a
// SHA-256: a file is read once for its digest, once to send it. Spelled
// in this case, minio-go passes it on as a header without asking for
// trailing checksums (a request in chunks, which not every store reads).
// A store that refuses the header (Backblaze B2 answers "Unsupported
// header", R2 has answered "not implemented") gets Content-MD5 instead,
// from its first refusal on; see checksumRefused.
const checksumSHA256 = "X-Amz-Checksum-Sha256"

// putObject uploads size bytes of r under name (relative to the prefix):
// in one PUT up to SinglePutMax, checked by digest (hex SHA-256) or, at
// a store that refuses checksumSHA256, by Content-MD5; larger, in parts
// each checked by its MD5 (the API has no checksum of a whole multipart
// object that every store takes).
func (b *Bucket) putObject(ctx context.Context, name string, r io.ReadSeeker, size int64, k publish.Kind, digest string) (minio.UploadInfo, error) {
	opts := minio.PutObjectOptions{
		ContentType:          k.ContentType,
		CacheControl:         k.CacheControl,
		UserMetadata:         map[string]string{metaSHA256: digest},
		DisableContentSha256: true, // see checksumSHA256
		DisableMultipart:     size <= b.cfg.SinglePutMax,
		SendContentMd5:       true,
		PartSize:             b.cfg.PartSize,
		NumThreads:           2,
	}
	if b.cfg.ACL != "" {
		opts.UserMetadata["x-amz-acl"] = b.cfg.ACL
	}
	if opts.DisableMultipart && !b.noChecksum.Load() {
		raw, err := hex.DecodeString(digest)
		if err != nil || len(raw) != sha256.Size {
			panic("s3: digest " + digest + " is not a hex SHA-256") // scan and sum make only those
		}
		with := opts
		with.SendContentMd5 = false
		with.UserMetadata = maps.Clone(opts.UserMetadata)
		with.UserMetadata[checksumSHA256] = base64.StdEncoding.EncodeToString(raw)
		info, err := b.client.PutObject(ctx, b.cfg.Bucket, b.objectKey(name), r, size, with)
		if !b.checksumRefused(err) {
			return info, err
		}
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return info, err
		}
	}
	return b.client.PutObject(ctx, b.cfg.Bucket, b.objectKey(name), r, size, opts)
}

// checksumRefused tells whether err is the store refusing checksumSHA256
// (not the bytes: that is BadDigest), and if so, has the next uploads
// carry Content-MD5 instead.
func (b *Bucket) checksumRefused(err error) bool {
	var er minio.ErrorResponse
	if !errors.As(err, &er) || er.Code == "BadDigest" || (er.StatusCode != http.StatusBadRequest && er.StatusCode != http.StatusNotImplemented) ||
		!strings.Contains(strings.ToLower(er.Message), strings.ToLower(checksumSHA256)) {
		return false
	}
	if b.noChecksum.CompareAndSwap(false, true) {
		b.log.Info("the storage does not take x-amz-checksum-sha256; uploads carry Content-MD5 instead", "target", b.String(), "error", err)
	}
	return true
}

// put uploads f and returns its ETag, after checking that the file is
// the one scanned (its size and mtime: the folder never rewrites a file
// in place, so a change means a new version was renamed in meanwhile).
// The file is streamed, not held, and read once (see checksumSHA256);
// each retry opens it again.
func (b *Bucket) put(ctx context.Context, f file) (string, error) {
	var info minio.UploadInfo
	err := b.retry(ctx, "put", f.key, func() error {
		r, err := os.Open(f.path)
		if err != nil {
			return err
		}
		defer r.Close()
		fi, err := r.Stat()
		if err != nil {
			return err
		}
		if fi.Size() != f.size || fi.ModTime().UnixNano() != f.mtime {
			return fmt.Errorf("%w: %s; publish again", ErrChanged, f.path)
		}
		info, err = b.putObject(ctx, f.key, r, f.size, f.kind, f.sum)
		return err
	})
	if err != nil {
		return "", b.explain("write", f.key, err)
	}
	b.log.Debug("object uploaded", "key", f.key, "bytes", f.size)
	return info.ETag, nil
}

// delete removes the objects and returns those it removed.
func (b *Bucket) delete(ctx context.Context, rs []removal) ([]string, error) {
	var (
		mu   sync.Mutex
		done []string
	)
	err := b.each(ctx, len(rs), func(ctx context.Context, i int) error {
		key := rs[i].key
		err := b.retry(ctx, "delete", key, func() error {
			return b.client.RemoveObject(ctx, b.cfg.Bucket, b.objectKey(key), minio.RemoveObjectOptions{})
		})
		if err != nil {
			return b.explain("delete", key, err)
		}
		mu.Lock()
		done = append(done, key)
		mu.Unlock()
		b.log.Debug("object deleted", "key", key)
		return nil
	})
	return done, err
}

// list reads what the bucket holds under the prefix: a listing, then a
// HEAD of each object whose size matches a local file, for its digest
// and metadata. Objects castfeed did not write are taken as unreferenced.
func (b *Bucket) list(ctx context.Context, files []file) (map[string]object, error) {
	objs := map[string]object{}
	var opts minio.ListObjectsOptions
	opts.Recursive = true
	if b.cfg.Prefix != "" {
		opts.Prefix = b.cfg.Prefix + "/"
	}
	err := b.retry(ctx, "list", opts.Prefix, func() error {
		clear(objs)
		for o := range b.client.ListObjectsIter(ctx, b.cfg.Bucket, opts) {
			if o.Err != nil {
				return o.Err
			}
			key := strings.TrimPrefix(o.Key, opts.Prefix)
			if strings.HasPrefix(key, manifestDir+"/") || strings.HasSuffix(key, "/") {
				continue
			}
			objs[key] = object{Size: o.Size, ETag: strings.Trim(o.ETag, `"`)}
		}
		return nil
	})
	if err != nil {
		return nil, b.explain("list", opts.Prefix, err)
	}
	var check []file
	for _, f := range files {
		if o, ok := objs[f.key]; ok && o.Size == f.size {
			check = append(check, f)
		}
	}
	var mu sync.Mutex
	err = b.each(ctx, len(check), func(ctx context.Context, i int) error {
		f := check[i]
		var st minio.ObjectInfo
		err := b.retry(ctx, "head", f.key, func() error {
			var err error
			st, err = b.client.StatObject(ctx, b.cfg.Bucket, b.objectKey(f.key), minio.StatObjectOptions{})
			return err
		})
		if code(err) == "NoSuchKey" {
			return nil // gone since the listing: uploaded again
		}
		if err != nil {
			return b.explain("read", f.key, err)
		}
		mu.Lock()
		o := objs[f.key]
		o.SHA256 = st.UserMetadata[metaSHA256]
		o.ContentType = st.ContentType
		o.CacheControl = st.Metadata.Get("Cache-Control")
		objs[f.key] = o
		mu.Unlock()
		return nil
	})
	return objs, err
}

// each runs fn for 0..n-1 on Concurrency goroutines and returns the first
// error; the calls not yet started are then skipped.
func (b *Bucket) each(ctx context.Context, n int, fn func(context.Context, int) error) error {
	if n == 0 {
		return nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(b.cfg.Concurrency, n) {
		wg.Go(func() {
			for i := range next {
				if err := fn(ctx, i); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// retry calls fn until it succeeds, fails for good, or the attempts run
// out, waiting longer each time.
func (b *Bucket) retry(ctx context.Context, op, key string, fn func() error) error {
	wait := b.cfg.RetryBase
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil || attempt >= b.cfg.Retries || !retryable(ctx, err) {
			return err
		}
		b.log.Warn("storage request failed; retrying", "op", op, "key", key, "attempt", attempt+1, "wait_ms", wait.Milliseconds(), "error", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(wait*2, b.cfg.RetryMax)
	}
}

// retryable tells whether err may pass on a later attempt: the store
// failing or throttling, or the network, not a refusal.
func retryable(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		if er.StatusCode == 0 {
			return false // the client could not read the answer: not S3
		}
		switch er.Code {
		case "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "RequestTimeTooSkewed":
			return true
		}
		return er.StatusCode >= 500 || er.StatusCode == http.StatusTooManyRequests
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "connection refused")
}

func code(err error) string {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code
	}
	return ""
}

// explain turns a store's refusal into what the user should do.
func (b *Bucket) explain(op, key string, err error) error {
	if err == nil || errors.Is(err, ErrChanged) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var er minio.ErrorResponse
	if !errors.As(err, &er) {
		var ne net.Error
		if errors.As(err, &ne) || strings.Contains(err.Error(), "connection refused") {
			return fmt.Errorf("%s %s: cannot reach %s: %w; check output.s3.endpoint and the network", op, key, b.endpoint, err)
		}
		return fmt.Errorf("%w: %s %s at %s; check output.s3.endpoint: it must be the S3 API endpoint of the storage (the client said: %v)", ErrNotS3, op, key, b.endpoint, err)
	}
	switch {
	case er.StatusCode == 0:
		return fmt.Errorf("%w: %s %s at %s; check output.s3.endpoint: it must be the S3 API endpoint of the storage (the client said: %v)", ErrNotS3, op, key, b.endpoint, err)
	case er.Code == "InvalidAccessKeyId" || er.Code == "SignatureDoesNotMatch" || er.Code == "InvalidToken" || er.Code == "ExpiredToken":
		return fmt.Errorf("%w (%s: %s); check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (or the variables named by output.s3.*_env) and output.s3.region", ErrCredentials, er.Code, er.Message)
	case er.Code == "NoSuchBucket":
		return fmt.Errorf("%w: %q at %s; create it (castfeed does not create buckets), or fix output.target and output.s3.endpoint", ErrNoBucket, b.cfg.Bucket, b.endpoint)
	case er.Code == "AccessDenied" && op != "read" && op != "list":
		return fmt.Errorf("%w: %s %s denied; give the keys s3:PutObject and s3:DeleteObject on %s (nothing was replaced: the feeds go up last)", ErrNotWritable, op, key, b.String())
	case er.Code == "AccessDenied":
		return fmt.Errorf("%w: reading %s denied; the keys need s3:GetObject, s3:ListBucket, s3:PutObject and s3:DeleteObject on %s (and output.s3.endpoint must be the storage's S3 API)", ErrCredentials, key, b.String())
	case strings.ContainsRune(er.Code, ' ') && er.StatusCode < 500:
		// minio-go names an error it could not read by its HTTP status
		// ("400 Bad Request"); S3 error codes have no spaces.
		return fmt.Errorf("%w: %s %s at %s answered HTTP %d without an S3 error; check output.s3.endpoint: it must be the S3 API endpoint of the storage", ErrNotS3, op, key, b.endpoint, er.StatusCode)
	}
	return fmt.Errorf("%s %s at %s: %s (%s, HTTP %d)", op, key, b.String(), er.Message, er.Code, er.StatusCode)
}
