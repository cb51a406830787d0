package schema

import (
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// lineIndex maps key paths ("sandbox.volumes[1].size") to the line where
// they are written, so problems found on the decoded document can point
// back into the file.
type lineIndex struct {
	lines    map[string]int
	arrays   map[string]int // array-of-tables path -> entries seen so far
	newlines []int          // offsets of '\n' in the document
	p        *unstable.Parser
}

// indexLines walks a document that is already known to parse.
func indexLines(data []byte) *lineIndex {
	ix := &lineIndex{lines: map[string]int{}, arrays: map[string]int{}, p: &unstable.Parser{}}
	for i, c := range data {
		if c == '\n' {
			ix.newlines = append(ix.newlines, i)
		}
	}
	ix.p.Reset(data)
	current := ""
	for ix.p.NextExpression() {
		e := ix.p.Expression()
		switch e.Kind {
		case unstable.Table:
			keys := keyParts(e.Key())
			current = ix.resolve(keys)
			ix.set(current, ix.keyLine(e.Key()))
		case unstable.ArrayTable:
			keys := keyParts(e.Key())
			if len(keys) == 0 {
				continue
			}
			arr := joinPath(ix.resolve(keys[:len(keys)-1]), keys[len(keys)-1])
			n := ix.arrays[arr]
			ix.arrays[arr] = n + 1
			line := ix.keyLine(e.Key())
			ix.set(arr, line)
			current = indexPath(arr, n)
			ix.set(current, line)
		case unstable.KeyValue:
			ix.keyValue(current, e)
		}
	}
	return ix
}

// keyValue records `a.b = value` below base, then the value's own keys.
func (ix *lineIndex) keyValue(base string, kv *unstable.Node) {
	line := ix.keyLine(kv.Key())
	path := base
	for _, k := range keyParts(kv.Key()) {
		path = joinPath(path, k)
		ix.set(path, line)
	}
	ix.value(path, kv.Value(), line)
}

// value records the lines of inline tables and array elements.
func (ix *lineIndex) value(path string, v *unstable.Node, line int) {
	switch v.Kind {
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			if n := it.Node(); n.Kind == unstable.KeyValue {
				ix.keyValue(path, n)
			}
		}
	case unstable.Array:
		it := v.Children()
		i := 0
		for it.Next() {
			n := it.Node()
			if n.Kind == unstable.Comment {
				continue
			}
			el := indexPath(path, i)
			elLine := ix.nodeLine(n, line)
			ix.set(el, elLine)
			ix.value(el, n, elLine)
			i++
		}
	}
}

// resolve turns header keys into a concrete path, entering the last entry
// of every array of tables on the way ([[a]] then [a.b] means a[last].b).
func (ix *lineIndex) resolve(keys []string) string {
	path := ""
	for _, k := range keys {
		path = joinPath(path, k)
		if n := ix.arrays[path]; n > 0 {
			path = indexPath(path, n-1)
		}
	}
	return path
}

func (ix *lineIndex) set(path string, line int) {
	if _, ok := ix.lines[path]; !ok && line > 0 {
		ix.lines[path] = line
	}
}

// lineOf returns the line of path, or of its nearest written ancestor (a
// missing key points at its table), or 0.
func (ix *lineIndex) lineOf(path string) int {
	if ix == nil {
		return 0
	}
	for path != "" {
		if l, ok := ix.lines[path]; ok {
			return l
		}
		path = parentPath(path)
	}
	return 0
}

func (ix *lineIndex) keyLine(it unstable.Iterator) int {
	if it.Next() {
		return ix.nodeLine(it.Node(), 0)
	}
	return 0
}

// nodeLine is the line where n starts, or fallback when n has no position.
func (ix *lineIndex) nodeLine(n *unstable.Node, fallback int) int {
	if n.Raw.Length == 0 && n.Raw.Offset == 0 {
		return fallback
	}
	off := int(n.Raw.Offset)
	return sort.SearchInts(ix.newlines, off) + 1
}

func keyParts(it unstable.Iterator) []string {
	var keys []string
	for it.Next() {
		keys = append(keys, string(it.Node().Data))
	}
	return keys
}

// joinPath appends one key to a path, quoting keys that are not bare.
func joinPath(base, key string) string {
	if !isBareKey(key) {
		key = strconv.Quote(key)
	}
	if base == "" {
		return key
	}
	return base + "." + key
}

func indexPath(base string, i int) string { return base + "[" + strconv.Itoa(i) + "]" }

// parentPath drops the last key or index of a path.
func parentPath(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	// Walk back over the last key, skipping dots inside a quoted key.
	inQuote := false
	for i := len(path) - 1; i >= 0; i-- {
		switch c := path[i]; {
		case c == '"' && (i == 0 || path[i-1] != '\\'):
			inQuote = !inQuote
		case c == '.' && !inQuote:
			return path[:i]
		}
	}
	return ""
}

func isBareKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
