package publish

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Target is where a published version goes once the local folder holds
// it (the folder alone needs none). The folder stays the source of truth:
// a Target is made to serve the folder's files and the media served
// beside them, so the pipeline writes one folder, and does not know
// where it ends up.
type Target interface {
	// Sync makes the target serve exactly the files of src. An error
	// leaves the target serving a complete version, old or new; the next
	// Sync finishes the job.
	Sync(ctx context.Context, src Source) (Report, error)
	// String names the target in logs, e.g. "s3://bucket/prefix".
	String() string
}

// Source is one published version: the output folder, plus the media
// folder whose files are served under media/ (as `castfeed serve` does),
// so that every enclosure URL under base_url resolves wherever the
// version is published.
type Source struct {
	Dir      string
	MediaDir string // "" for none
}

// Report says what a Sync did (or, in a dry run, would do).
type Report struct {
	Target   string        `json:"target"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	DryRun   bool          `json:"dry_run,omitempty"`
	Uploaded int           `json:"uploaded"`
	Skipped  int           `json:"skipped"`
	Deleted  int           `json:"deleted"`
	// Unreferenced counts objects no version names any more, kept for
	// apps holding an older feed until their grace period ends.
	Unreferenced int `json:"unreferenced"`
	// DeletionsDue is when the first of those may be deleted: a refresh
	// with nothing new publishes again from then on, to delete it.
	DeletionsDue time.Time `json:"deletions_due,omitzero"`
	Bytes        int64     `json:"bytes"` // uploaded
	// Requests counts the requests made to the target.
	Requests int `json:"requests"`
	// Actions lists each upload and deletion, in the order made.
	Actions []Action `json:"-"`
}

// Action is one upload or deletion of a Sync.
type Action struct {
	Op     string // "upload" or "delete"
	Key    string // the file's name, slash-separated, relative to the version
	Size   int64
	Reason string // why: "new", "changed", "unreferenced since …"
}

// LockTarget takes the lock, in the file name, that keeps two castfeed
// processes from publishing to a target at once (their manifests would
// miss each other's uploads); Close releases it.
func LockTarget(name string) (io.Closer, error) {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return nil, err
	}
	return lockFile(name)
}
