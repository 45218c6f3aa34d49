package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/castfeed/castfeed/internal/config"
	"github.com/castfeed/castfeed/internal/publish"
	"github.com/castfeed/castfeed/internal/publish/s3"
)

// TargetOptions are what OpenTarget needs besides the config.
type TargetOptions struct {
	DryRun bool                // plan against the bucket, write nothing to it
	Getenv func(string) string // where the storage keys are; nil: os.Getenv
	Logger *slog.Logger
	Now    func() time.Time // the clock of the grace period; nil: time.Now
}

// OpenTarget returns where output.target says the output folder is
// published: nil for the folder itself, else the bucket synced from it.
// It makes no request.
func OpenTarget(cfg *config.Config, opt TargetOptions) (publish.Target, error) {
	bucket, prefix, ok := cfg.Output.Bucket()
	if !ok {
		return nil, nil
	}
	getenv := opt.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if err := cfg.CheckS3Keys(getenv); err != nil {
		return nil, err
	}
	keys := cfg.S3Keys(getenv)
	c := cfg.Output.S3
	return s3.New(s3.Config{
		Bucket:       bucket,
		Prefix:       prefix,
		Endpoint:     c.Endpoint,
		Region:       c.Region,
		PathStyle:    c.PathStyle,
		DeleteAfter:  c.DeleteAfter,
		Concurrency:  c.Concurrency,
		ACL:          c.ACL,
		AccessKey:    keys.AccessKey,
		SecretKey:    keys.SecretKey,
		SessionToken: keys.SessionToken,
		DigestCache:  filepath.Join(cfg.State.Dir, "s3-digests.json"),
		DryRun:       opt.DryRun,
		Logger:       opt.Logger,
		Now:          opt.Now,
	})
}

// PublishRecord is the last publish to the target, kept in state.dir for
// `castfeed status` and so that a refresh with nothing new still finishes
// a publish that failed.
type PublishRecord struct {
	publish.Report
	Error string `json:"error,omitempty"`
}

const publishRecordFile = "publish.json"

// errUnfinished is the record's error while a publish runs.
const errUnfinished = "the publish did not finish (the process stopped during it)"

// LastPublish reads the record of the last publish to the target; nil
// when there was none.
func LastPublish(stateDir string) (*PublishRecord, error) {
	var r *PublishRecord
	if err := readJSON(filepath.Join(stateDir, publishRecordFile), &r); err != nil {
		return nil, err
	}
	return r, nil
}

// syncTarget publishes the output folder to opt.Target once the folder
// holds the new version. A refresh that found nothing new syncs only if
// the last sync to this target did not finish, or kept unreferenced
// objects now due for deletion: otherwise the bucket already serves this
// version, and is not asked anything.
func syncTarget(ctx context.Context, opt Options, log *slog.Logger, res *Result, upToDate bool) error {
	t := opt.Target
	if t == nil {
		var err error
		t, err = OpenTarget(opt.Config, TargetOptions{DryRun: opt.DryRun, Getenv: opt.Getenv, Logger: log, Now: opt.Now})
		if t == nil || err != nil {
			return err
		}
	}
	dir := opt.Config.State.Dir
	last, err := LastPublish(dir)
	if err != nil {
		log.Warn("cannot read the last publish record; publishing to the target again", "error", err)
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	if upToDate && last != nil && last.Error == "" && !last.DryRun && last.Target == t.String() && !opt.DryRun &&
		(last.DeletionsDue.IsZero() || now().Before(last.DeletionsDue)) {
		return nil
	}
	lock, err := publish.LockTarget(filepath.Join(dir, "publish.lock"))
	if err != nil {
		return fmt.Errorf("publish to %s: %w", t, err)
	}
	defer lock.Close()
	record := filepath.Join(dir, publishRecordFile)
	if !opt.DryRun {
		// Until Sync returns, the record says the publish did not finish:
		// a process killed meanwhile leaves it so, and the next refresh,
		// even with nothing new, publishes again.
		pending := PublishRecord{Report: publish.Report{Target: t.String(), Started: now()}, Error: errUnfinished}
		if werr := writeJSON(record, pending); werr != nil {
			return fmt.Errorf("save the publish record: %w", werr)
		}
	}
	rep, err := t.Sync(ctx, publish.Source{Dir: opt.Config.Output.Dir, MediaDir: opt.Config.Media.Dir})
	res.Publish = &rep
	rec := PublishRecord{Report: rep}
	if err != nil {
		rec.Error = err.Error()
		err = fmt.Errorf("publish to %s: %w; the local folder is published, and the next refresh finishes the job", t, err)
	}
	if opt.DryRun {
		return err // a plan, not a publish: the record stays
	}
	if werr := writeJSON(record, rec); werr != nil {
		log.Warn("cannot save the publish record", "error", werr)
	}
	return err
}

// Ended says when the recorded publish ended.
func (r *PublishRecord) Ended() time.Time { return r.Started.Add(r.Duration) }
