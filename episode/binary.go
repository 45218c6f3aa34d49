package episode

import (
	"encoding/binary"
	"errors"
	"time"

	"github.com/castfeed/castfeed/internal/wire"
)

// MarshalBinary encodes what Detach keeps of e (and nothing else: a
// detached episode is what it gives back), so that a build can remember
// the episode of an unchanged file instead of parsing the file again:
// parsing is the largest part of a refresh in which one file of 10,000
// changed. Strings and lists are preceded by their length as a uvarint,
// numbers are varints, the booleans one byte of flags.
func (e *Episode) MarshalBinary() ([]byte, error) {
	date, err := e.Date.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, 256)
	b = append(b, binaryVersion)
	for _, s := range []string{e.Slug, e.Title, e.Category, e.YouTube, e.YouTubeID, e.GUID, e.Audio, e.AudioType, e.Image, string(date)} {
		b = wire.AppendString(b, s)
	}
	for _, n := range []int64{int64(e.Number), int64(e.Season), int64(e.Clock), int64(e.Duration), e.AudioLength, int64(e.AudioOffset)} {
		b = binary.AppendVarint(b, n)
	}
	var flags byte
	for i, f := range []bool{e.HasClock, e.Published, e.IsNext, e.Featured, e.HasAudioOffset, e.exact, e.Explicit != nil, e.Explicit != nil && *e.Explicit} {
		if f {
			flags |= 1 << i
		}
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(len(e.keys)))
	for _, k := range e.keys {
		b = wire.AppendString(b, k.key)
		b = binary.AppendVarint(b, int64(k.line))
	}
	return b, nil
}

// binaryVersion changes with MarshalBinary's layout.
const binaryVersion = 1

var errBinary = errors.New("episode: truncated or damaged encoding")

// UnmarshalBinary decodes what MarshalBinary encoded into a detached
// episode, checking every length against what is left.
func (e *Episode) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data)
	if r.Byte() != binaryVersion {
		return errBinary
	}
	var out Episode
	for _, s := range []*string{&out.Slug, &out.Title, &out.Category, &out.YouTube, &out.YouTubeID, &out.GUID, &out.Audio, &out.AudioType, &out.Image} {
		*s = r.String()
	}
	date := r.Bytes()
	out.Number, out.Season = int(r.Varint()), int(r.Varint())
	out.Clock, out.Duration = time.Duration(r.Varint()), time.Duration(r.Varint())
	out.AudioLength, out.AudioOffset = r.Varint(), time.Duration(r.Varint())
	flags := r.Byte()
	for i, f := range []*bool{&out.HasClock, &out.Published, &out.IsNext, &out.Featured, &out.HasAudioOffset, &out.exact} {
		*f = flags&(1<<i) != 0
	}
	if flags&(1<<6) != 0 {
		explicit := flags&(1<<7) != 0
		out.Explicit = &explicit
	}
	if n := r.Count(2); n > 0 { // a key and its line take 2 bytes at least
		out.keys = make([]keyLine, n)
		for i := range out.keys {
			out.keys[i] = keyLine{r.String(), int(r.Varint())}
		}
	}
	if !r.Done() {
		return errBinary
	}
	if err := out.Date.UnmarshalBinary(date); err != nil {
		return errors.Join(errBinary, err)
	}
	*e = out
	return nil
}
