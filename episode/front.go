package episode

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// kind is the shape of a front-matter value.
type kind uint8

const (
	null   kind = iota // absent value, ~ or null
	scalar             // text, number or boolean, as written
	seq                // a list
	other              // a mapping, or anything else castfeed does not read
)

// value is a front-matter value reduced to what castfeed reads: scalars
// keep their text as written (numbers and booleans too), lists their
// items.
type value struct {
	kind  kind
	text  string  // scalar
	items []value // seq
}

// field is one top-level key of the front matter.
type field struct {
	key  string
	line int // file line of the key
	value
}

// fields reads the front matter's keys. Most front matter is a handful of
// `key: value` lines; fastFields reads those without the YAML library,
// which costs more than everything else Parse does. Anything it is not
// sure of goes to yamlFields, and FuzzFrontMatter checks that both agree
// wherever fastFields answers.
func (p *parse) fields(front string) ([]field, bool) {
	if fs, ok := fastFields(front); ok {
		return fs, true
	}
	if len(front) > maxFront {
		p.errorf(1, "the front matter holds a few keys: check that the closing --- line comes right after them", "the front matter is %d KB, more than the %d KB castfeed reads", len(front)>>10, maxFront>>10)
		return nil, false
	}
	fs, line, msg, ok := yamlFields(front)
	switch {
	case !ok && msg == notMapping:
		p.errorf(line, "write one key: value per line, like title: \"…\", with no - or indentation before the keys", "the front matter is not a list of keys and values")
		return nil, false
	case !ok:
		p.errorf(line, "fix the YAML: write key: value, quote values that contain \": \" or \" #\" or start with [ { * & ! | > ' \" %, and close every bracket and quote", "the front matter is not valid YAML: %s", msg)
		return nil, false
	}
	seen := make(map[string]int, len(fs))
	for _, f := range fs {
		if first, ok := seen[f.key]; ok {
			p.errorf(f.line, "keep one of them", "%s is given twice, on lines %d and %d", f.key, first, f.line)
			return nil, false
		}
		seen[f.key] = f.line
	}
	return fs, true
}

// maxFront bounds the front matter given to the YAML library, whose time
// grows faster than its input on some texts (thousands of [ take seconds).
// Real front matter is a few hundred bytes.
const maxFront = 16 << 10

// frontLine is the file line of the front matter's first line.
const frontLine = 2

// notMapping is yamlFields's message for YAML that is not keys and values.
const notMapping = "not a mapping"

// yamlFields parses front matter with the YAML library. On failure it
// returns the file line and the library's message.
func yamlFields(front string) (fs []field, line int, msg string, ok bool) {
	lines := strings.Count(front, "\n") + 1
	f, err := parser.ParseBytes([]byte(front), 0, parser.AllowDuplicateMapKey())
	if err != nil {
		line = frontLine
		msg, _, _ = strings.Cut(err.Error(), "\n")
		var ye yaml.Error
		if errors.As(err, &ye) {
			msg = ye.GetMessage()
			if tk := ye.GetToken(); tk != nil {
				// The library counts lines from the front matter's first;
				// it may point past the last line at an unclosed bracket.
				line = frontLine - 1 + min(max(tk.Position.Line, 1), lines)
			}
		}
		return nil, opener(front, line, msg), msg, false
	}
	anchors := map[string]ast.Node{}
	for _, doc := range f.Docs {
		var values []*ast.MappingValueNode
		switch b := doc.Body.(type) {
		case nil:
			continue
		case *ast.MappingNode:
			values = b.Values
		case *ast.MappingValueNode:
			values = []*ast.MappingValueNode{b}
		default:
			l := frontLine - 1 + min(max(b.GetToken().Position.Line, 1), lines)
			return nil, l, notMapping, false
		}
		for _, mv := range values {
			tk := mv.Key.GetToken()
			fs = append(fs, field{
				key:   tk.Value,
				line:  frontLine - 1 + min(max(tk.Position.Line, 1), lines),
				value: valueOf(mv.Value, anchors, 0),
			})
		}
	}
	return fs, 0, "", true
}

// opener moves an error about a missing ] or } from where YAML noticed
// it, often the next key, to the line that opened the list or mapping.
func opener(front string, line int, msg string) int {
	open, close := byte('['), byte(']')
	switch {
	case strings.Contains(msg, "']'"):
	case strings.Contains(msg, "'}'"):
		open, close = '{', '}'
	default:
		return line
	}
	lines := strings.Split(front, "\n")
	for l := min(line-frontLine, len(lines)-1); l >= 0; l-- {
		if strings.Count(lines[l], string(open)) > strings.Count(lines[l], string(close)) {
			return frontLine + l
		}
	}
	return line
}

// valueOf reduces a YAML node to a value, following tags, anchors and
// aliases.
func valueOf(n ast.Node, anchors map[string]ast.Node, depth int) value {
	for range 16 {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
			continue
		case *ast.AnchorNode:
			if t.Name != nil {
				anchors[t.Name.GetToken().Value] = t.Value
			}
			n = t.Value
			continue
		case *ast.AliasNode:
			if t.Value == nil {
				return value{kind: other}
			}
			a, ok := anchors[t.Value.GetToken().Value]
			if !ok {
				return value{kind: other}
			}
			n = a
			continue
		}
		break
	}
	switch t := n.(type) {
	case nil, *ast.NullNode:
		return value{kind: null}
	case *ast.StringNode:
		return value{kind: scalar, text: t.Value}
	case *ast.LiteralNode:
		if t.Value == nil {
			return value{kind: scalar}
		}
		return value{kind: scalar, text: t.Value.Value}
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		// As written: 0x1F stays 0x1F rather than becoming 31, 012 stays
		// 012, and both readers agree.
		return value{kind: scalar, text: t.GetToken().Value}
	case *ast.SequenceNode:
		v := value{kind: seq, items: []value{}}
		if depth > 0 {
			return value{kind: other}
		}
		for _, e := range t.Values {
			v.items = append(v.items, valueOf(e, anchors, depth+1))
		}
		return v
	}
	return value{kind: other}
}

// fastFields reads front matter made only of lines `key: value` where the
// value is empty, plain text on one line, a simple quoted string, or a
// one-line list of such items, like
//
//	title: "Data engineer 101"
//	tags: ["dev", "data"]
//	audio_offset: -12.5
//
// It gives up (ok == false) on anything else: indentation, comments after
// values, escapes, block scalars, anchors, repeated keys, control or
// unusual space characters.
func fastFields(front string) (fs []field, ok bool) {
	n := strings.Count(front, "\n") + 1
	fs = make([]field, 0, n)
	for i := 0; len(front) > 0 || i == 0; i++ {
		line, rest, _ := strings.Cut(front, "\n")
		front = rest
		if !plainLine(line) {
			return nil, false
		}
		if strings.TrimRight(line, " ") == "" {
			if front == "" {
				break
			}
			continue
		}
		if line[0] == '#' {
			continue // a comment line
		}
		colon := keyEnd(line)
		if colon < 0 {
			return nil, false
		}
		key := line[:colon]
		v, ok := fastValue(line[colon+1:])
		if !ok {
			return nil, false
		}
		if repeated(fs, key) {
			return nil, false // yamlFields reports it
		}
		fs = append(fs, field{key: key, line: frontLine + i, value: v})
	}
	return fs, true
}

// repeated reports whether key is among fs's keys. Front matter has a
// dozen keys; past 64 the answer is "give up", which sends a long front
// matter to yamlFields rather than spending quadratic time here.
func repeated(fs []field, key string) bool {
	if len(fs) > 64 {
		return true
	}
	for _, f := range fs {
		if f.key == key {
			return true
		}
	}
	return false
}

// plainLine reports whether line has only printable characters and
// spaces: no tabs, control characters, or the Unicode spaces and marks
// whose YAML meaning is subtle (no-break space, byte-order mark, line
// separators).
func plainLine(line string) bool {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c < ' ' || c == 0x7f {
			return false
		}
		if c >= utf8.RuneSelf {
			for _, r := range line[i:] {
				if r < ' ' || r == 0x7f || r >= utf8.RuneSelf && (r == utf8.RuneError || !unicode.IsPrint(r)) {
					return false
				}
			}
			return true
		}
	}
	return true
}

// keyEnd returns the index of the colon after a simple key at the start
// of line (letters, digits, _ and -, starting with a letter or _), or -1.
func keyEnd(line string) int {
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		case i > 0 && c == ':':
			if i+1 == len(line) || line[i+1] == ' ' {
				return i
			}
			return -1
		default:
			return -1
		}
	}
	return -1
}

// fastValue reads what follows `key:` on its line.
func fastValue(s string) (value, bool) {
	s = strings.Trim(s, " ")
	if s == "" {
		return value{kind: null}, true
	}
	switch c := s[0]; c {
	case '"', '\'':
		text, rest, ok := quoted(s)
		if !ok || rest != "" {
			return value{}, false
		}
		return value{kind: scalar, text: text}, true
	case '[':
		return fastList(s[1:])
	case '-':
		// -12.5 is a number; "- x" would be a list.
		if len(s) < 2 || !(s[1] >= '0' && s[1] <= '9' || s[1] == '.') {
			return value{}, false
		}
	}
	if !plainScalar(s, false) {
		return value{}, false
	}
	if isNull(s) {
		return value{kind: null}, true
	}
	return value{kind: scalar, text: s}, true
}

// quoted reads a quoted string without escapes at the start of s and
// returns its text and what follows it, spaces trimmed.
func quoted(s string) (text, rest string, ok bool) {
	q := s[0]
	end := strings.IndexByte(s[1:], q)
	if end < 0 {
		return "", "", false
	}
	text = s[1 : 1+end]
	if q == '"' && strings.IndexByte(text, '\\') >= 0 {
		return "", "", false
	}
	rest = strings.TrimLeft(s[2+end:], " ")
	if q == '\'' && strings.HasPrefix(rest, "'") {
		return "", "", false // '' is an escaped quote
	}
	return text, rest, true
}

// fastList reads a one-line flow list after its [.
func fastList(s string) (value, bool) {
	v := value{kind: seq, items: []value{}}
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return value{}, false
		}
		if s[0] == ']' {
			if strings.Trim(s[1:], " ") != "" {
				return value{}, false
			}
			return v, true
		}
		var item value
		switch s[0] {
		case '"', '\'':
			text, rest, ok := quoted(s)
			if !ok {
				return value{}, false
			}
			item, s = value{kind: scalar, text: text}, rest
		default:
			end := strings.IndexAny(s, ",]")
			if end <= 0 {
				return value{}, false
			}
			text := strings.TrimRight(s[:end], " ")
			if !plainScalar(text, true) {
				return value{}, false
			}
			item, s = value{kind: scalar, text: text}, s[end:]
			if isNull(text) {
				item = value{kind: null}
			}
		}
		v.items = append(v.items, item)
		switch {
		case strings.HasPrefix(s, ","):
			s = s[1:]
		case strings.HasPrefix(s, "]"):
		default:
			return value{}, false
		}
	}
}

// plainScalar reports whether s is unquoted text that YAML reads as
// itself: no indicator at its start, no ": " or " #" inside, no
// brackets, braces or quotes. In a list (flow), the item must not start
// with - or contain a comma.
func plainScalar(s string, flow bool) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '-':
		if flow {
			return false
		}
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return false
	}
	if s[len(s)-1] == ':' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[', ']', '{', '}', '"', '\'', '`', '\\':
			return false
		case ',':
			if flow {
				return false
			}
		case ':':
			if i+1 < len(s) && s[i+1] == ' ' {
				return false
			}
		case '#':
			if s[i-1] == ' ' {
				return false
			}
		}
	}
	return true
}

func isNull(s string) bool {
	return s == "~" || s == "null" || s == "Null" || s == "NULL"
}
