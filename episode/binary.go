package episode

import (
	"encoding/binary"
	"errors"
	"time"
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
	str := func(s string) { b = append(binary.AppendUvarint(b, uint64(len(s))), s...) }
	b = append(b, binaryVersion)
	for _, s := range []string{e.Slug, e.Title, e.Category, e.YouTube, e.YouTubeID, e.GUID, e.Audio, e.AudioType, e.Image, string(date)} {
		str(s)
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
		str(k.key)
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
	if len(data) == 0 || data[0] != binaryVersion {
		return errBinary
	}
	data = data[1:]
	ok := true
	str := func() string {
		n, k := binary.Uvarint(data)
		if k <= 0 || n > uint64(len(data)-k) {
			ok = false
			return ""
		}
		s := string(data[k : k+int(n)])
		data = data[k+int(n):]
		return s
	}
	varint := func() int64 {
		v, k := binary.Varint(data)
		if k <= 0 {
			ok = false
			return 0
		}
		data = data[k:]
		return v
	}
	var out Episode
	for _, s := range []*string{&out.Slug, &out.Title, &out.Category, &out.YouTube, &out.YouTubeID, &out.GUID, &out.Audio, &out.AudioType, &out.Image} {
		*s = str()
	}
	date := str()
	number, season, clock, duration := varint(), varint(), varint(), varint()
	out.AudioLength, out.AudioOffset = varint(), time.Duration(varint())
	if !ok || len(data) < 1 {
		return errBinary
	}
	out.Number, out.Season, out.Clock, out.Duration = int(number), int(season), time.Duration(clock), time.Duration(duration)
	if err := out.Date.UnmarshalBinary([]byte(date)); err != nil {
		return errors.Join(errBinary, err)
	}
	flags := data[0]
	data = data[1:]
	for i, f := range []*bool{&out.HasClock, &out.Published, &out.IsNext, &out.Featured, &out.HasAudioOffset, &out.exact} {
		*f = flags&(1<<i) != 0
	}
	if flags&(1<<6) != 0 {
		explicit := flags&(1<<7) != 0
		out.Explicit = &explicit
	}
	keys, k := binary.Uvarint(data)
	if k <= 0 || keys > uint64(len(data)) { // each key takes 2 bytes at least
		return errBinary
	}
	data = data[k:]
	if keys > 0 {
		out.keys = make([]keyLine, keys)
	}
	for i := range out.keys {
		out.keys[i] = keyLine{str(), int(varint())}
	}
	if !ok || len(data) != 0 {
		return errBinary
	}
	*e = out
	return nil
}
