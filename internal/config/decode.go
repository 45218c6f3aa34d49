package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// decodeAll decodes the document key by key into c, so that every
// problem of shape (an unknown key, a list where text belongs, a word
// where a number belongs) is reported, each with its key path, what was
// expected and an example, rather than the YAML library's first one
// alone. Parse uses it when the library's strict decoding fails; keys
// that failed are remembered so Validate does not report them again.
func (c *Config) decodeAll() error {
	var errs []error
	for _, doc := range c.file.Docs {
		if doc.Body == nil {
			continue
		}
		c.decodeStruct(doc.Body, reflect.ValueOf(c).Elem(), "", &errs)
	}
	return errors.Join(errs...)
}

var durationType = reflect.TypeFor[time.Duration]()

// decodeStruct decodes the mapping n into the struct v, whose key path is
// path ("" for the document).
func (c *Config) decodeStruct(n ast.Node, v reflect.Value, path string, errs *[]error) {
	values, ok := mappingValues(n)
	if !ok {
		c.shape(n, path, v.Type(), errs)
		return
	}
	seen := map[string]bool{}
	for _, mv := range values {
		key := mv.Key.GetToken().Value
		full := join(path, key)
		if seen[key] {
			*errs = append(*errs, c.nodeError(mv.Key, full, "is given twice; keep one"))
			continue
		}
		seen[key] = true
		f, ok := fieldByTag(v, key)
		if !ok {
			*errs = append(*errs, c.nodeError(mv.Key, full, fmt.Sprintf("is not a key castfeed reads; the keys %s are: %s (see the config reference in README.md)", under(path), strings.Join(tags(v.Type()), ", "))))
			continue
		}
		if f.Kind() == reflect.Struct && f.Type() != durationType {
			if _, null := mv.Value.(*ast.NullNode); null {
				continue // an empty section: its defaults stay
			}
			c.decodeStruct(mv.Value, f, full, errs)
			continue
		}
		dst := reflect.New(f.Type())
		dst.Elem().Set(f)
		if err := nodeToValue(mv.Value, dst.Interface()); err != nil {
			if seq, ok := mv.Value.(*ast.SequenceNode); ok && f.Kind() == reflect.Slice {
				c.elements(seq, full, f.Type().Elem(), errs)
			} else {
				c.shape(mv.Value, full, f.Type(), errs)
			}
			continue
		}
		f.Set(dst.Elem())
	}
}

// nodeToValue is go-yaml's strict decoding of one node, with its panics
// turned into an error (see unmarshal).
func nodeToValue(n ast.Node, v any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the YAML library failed: %v", p)
		}
	}()
	return yaml.NodeToValue(n, v, yaml.DisallowUnknownField())
}

// elements reports the items of a list that are not of type t, each at
// its own path (podcast.categories[1]); "is a list, expected a list"
// would say nothing.
func (c *Config) elements(seq *ast.SequenceNode, path string, t reflect.Type, errs *[]error) {
	n := len(*errs)
	for i, v := range seq.Values {
		if err := nodeToValue(v, reflect.New(t).Interface()); err != nil {
			c.shape(v, fmt.Sprintf("%s[%d]", path, i), t, errs)
		}
	}
	if len(*errs) == n { // the list as a whole failed: say so
		c.shape(seq, path, reflect.SliceOf(t), errs)
	}
	c.failed[path] = true
}

// mappingValues returns the keys and values of a mapping node.
func mappingValues(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, true
	case *ast.TagNode:
		return mappingValues(m.Value)
	case *ast.AnchorNode:
		return mappingValues(m.Value)
	}
	return nil, false
}

func fieldByTag(v reflect.Value, key string) (reflect.Value, bool) {
	for i := range v.NumField() {
		if tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ","); tag == key && tag != "" {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func tags(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); tag != "" {
			out = append(out, tag)
		}
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func under(path string) string {
	if path == "" {
		return "at the top"
	}
	return "under " + path
}

// shape reports that n, at path, is not of type t.
func (c *Config) shape(n ast.Node, path string, t reflect.Type, errs *[]error) {
	what, example := expected(path, t)
	*errs = append(*errs, c.nodeError(n, path, fmt.Sprintf("is %s, but castfeed expects %s, e.g. %s", describe(n), what, example)))
}

// nodeError is a FieldError at n's line, and remembers path as failed.
func (c *Config) nodeError(n ast.Node, path, msg string) error {
	if c.failed == nil {
		c.failed = map[string]bool{}
	}
	c.failed[path] = true
	line := 0
	if tk := n.GetToken(); tk != nil {
		line = tk.Position.Line
	}
	return &FieldError{File: c.name, Line: line, Key: path, Msg: msg}
}

// describe says what a node is, in the words of the messages.
func describe(n ast.Node) string {
	switch v := n.(type) {
	case *ast.SequenceNode:
		return "a list"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping (keys and values)"
	case *ast.NullNode, nil:
		return "empty"
	case *ast.BoolNode:
		return "a true/false value"
	case *ast.StringNode:
		return fmt.Sprintf("the text %q", v.Value)
	case *ast.IntegerNode, *ast.FloatNode:
		return "the number " + v.GetToken().Value
	case *ast.TagNode:
		return describe(v.Value)
	case *ast.AnchorNode:
		return describe(v.Value)
	}
	return fmt.Sprintf("%q", n.String())
}

// examples are the values the messages show for keys whose type alone
// does not make a good example.
var examples = map[string]string{
	"podcast.owner":         "owner: {name: Salma Idrissi, email: podcast@example.org}",
	"podcast.categories":    "categories: [Technology] or categories: [{name: Education, subcategories: [How To]}]",
	"podcast.websub_hubs":   "websub_hubs: [https://pubsubhubbub.appspot.com/]",
	"podcast.link":          "link: https://example.org",
	"podcast.base_url":      "base_url: https://feeds.example.org/show",
	"podcast.image":         "image: cover.png",
	"podcast.language":      "language: en",
	"media.url_template":    `url_template: "https://media.example.org/{{.Slug}}.mp3"`,
	"serve.schedule":        `schedule: "@daily"`,
	"serve.max_shrink":      "max_shrink: 0.1",
	"transcripts.languages": "languages: [en, ar]",
}

// expected says what a value of type t is, and gives an example for path.
func expected(path string, t reflect.Type) (what, example string) {
	key := path[strings.LastIndexByte(path, '.')+1:]
	list, _, isItem := strings.Cut(path, "[")
	if isItem {
		key = list[strings.LastIndexByte(list, '.')+1:]
	}
	switch {
	case t == reflect.TypeFor[Category]():
		what, example = "an Apple category: its name, or name with subcategories", "Technology, or {name: Education, subcategories: [How To]}"
		return what, example
	case isItem:
		what, example = "text", key+": [en, ar]"
		if e, ok := examples[list]; ok {
			example = e
		}
		return what, example
	case t == durationType:
		what, example = "a duration", key+": 30s (or 10m, 720h)"
	case t.Kind() == reflect.Struct && key == "":
		what, example = "keys and values", "podcast: on a line of its own, then title: … indented below it"
	case t.Kind() == reflect.Struct:
		what, example = "a mapping of keys", fmt.Sprintf("%s: on a line of its own, then %s: … indented below it", key, tags(t)[0])
	case t.Kind() == reflect.Bool:
		what, example = "true or false", key+": true"
	case t.Kind() == reflect.Int:
		what, example = "a whole number", key+": 2"
	case t.Kind() == reflect.Float64:
		what, example = "a number", key+": 1.5"
	case t.Kind() == reflect.Slice:
		what, example = "a list", key+": [a, b]"
	default:
		what, example = "text on one line", key+`: "…"`
	}
	if e, ok := examples[path]; ok {
		example = e
	}
	return what, example
}

// UnmarshalYAML reads a category as a mapping (name, subcategories) or,
// as shorthand, its name alone: categories: [Technology].
func (cat *Category) UnmarshalYAML(n ast.Node) error {
	for {
		switch t := n.(type) {
		case *ast.TagNode:
			n = t.Value
			continue
		case *ast.AnchorNode:
			n = t.Value
			continue
		case *ast.StringNode:
			*cat = Category{Name: t.Value}
			return nil
		}
		break
	}
	type plain Category // without this method
	var p plain
	if err := nodeToValue(n, &p); err != nil {
		return err
	}
	*cat = Category(p)
	return nil
}

// skipped reports whether Validate should say nothing of key: its value
// could not be decoded, which is reported already.
func (c *Config) skipped(key string) bool {
	for k := range c.failed {
		if k == "" || key == k || strings.HasPrefix(key, k+".") || strings.HasPrefix(key, k+"[") {
			return true
		}
	}
	return false
}
