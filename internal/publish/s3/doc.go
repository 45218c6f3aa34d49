// Package s3 publishes the output folder to S3-compatible object storage
// (AWS S3, Cloudflare R2, Backblaze B2, MinIO, Garage, Ceph, Wasabi…). It
// is the only package that imports the storage client (minio-go).
//
// The local folder stays the source of truth; a Bucket is synced from it
// after each publish:
//
//   - What the bucket holds is known from a manifest object castfeed
//     writes, .castfeed/manifest.json (name → size, SHA-256, content type,
//     cache control; a line of text each since version 2, see
//     manifestHeader). When it is missing or cannot be read, a listing of
//     the prefix and a HEAD of each object of the right size tell instead.
//     Only new or changed files are uploaded: a refresh that changes
//     nothing makes one GET and no PUT.
//   - Uploads go in an order that never lets a reader see a feed naming an
//     object that is not there yet: media and episode assets, then pages,
//     then the archive pages, then feed.xml, feed.atom and feed.json
//     together, then the manifest.
//   - An object no version names any more is marked in the manifest with
//     the time it became unreferenced, and deleted only after the new
//     feeds are up and once it has been unreferenced for DeleteAfter, so
//     an app holding yesterday's feed can still download yesterday's
//     episode.
//   - Each PUT is atomic in S3, so a Sync interrupted anywhere leaves the
//     old feeds naming objects that are all still there; the manifest is
//     written last, so the next Sync uploads again what it cannot prove is
//     there, and converges.
//
// Retries with capped backoff on 5xx, throttling and network errors live
// here, not in the pipeline. Uploads carry the file's SHA-256 as
// x-amz-checksum-sha256 (the store checks the bytes it received; parts
// of a large file, and every upload to a store that refuses the header,
// carry Content-MD5) and as metadata; a file whose
// size or mtime changed since it was hashed is not uploaded under the old
// digest. Files are streamed from disk: up to 64 MiB in one PUT, larger
// ones in parts of 16 MiB, so memory stays near Concurrency × 2 parts.
//
// Two castfeed processes must not publish to the same prefix at once
// (the pipeline holds a lock in state.dir for it): each would still leave
// complete versions, but the manifest of one might miss the other's
// uploads, costing uploads again, never a reader.
package s3
