package schema

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"testing"
)

// A small JSON Schema checker for the subset JSONSchema emits: type, enum,
// required, properties, items, minItems, pattern, minimum, maximum. Annotation keywords are
// ignored; any other keyword fails the test, so the checker cannot silently
// skip a rule the schema grows.

// keywordKind says whether a keyword is an annotation (does not constrain
// values), checked by checkSchema, or unsupported ("").
func keywordKind(k string) string {
	switch k {
	case "$schema", "$id", "title", "description", "default":
		return "annotation"
	case "type", "enum", "required", "properties", "items", "minItems", "pattern", "minimum", "maximum":
		return "checked"
	}
	return ""
}

func loadSchema(t testing.TB) map[string]any {
	t.Helper()
	var s map[string]any
	if err := json.Unmarshal(JSONSchema(), &s); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	return s
}

// checkSchema validates v (a document decoded from TOML into generic Go
// values) against schema s and returns the violations.
func checkSchema(t testing.TB, s map[string]any, v any, path string) []string {
	t.Helper()
	var out []string
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if keywordKind(k) == "" {
			t.Fatalf("%s: schema keyword %q is not supported by the test checker", path, k)
		}
	}
	if typ, ok := s["type"].(string); ok && !hasType(v, typ) {
		// Nothing else applies to a value of the wrong type.
		return append(out, fmt.Sprintf("%s: want type %s", path, typ))
	}
	if enum, ok := s["enum"].([]any); ok && !inEnum(v, enum) {
		out = append(out, path+": not in enum")
	}
	if pat, ok := s["pattern"].(string); ok {
		if str, isStr := v.(string); isStr && !regexp.MustCompile(pat).MatchString(str) {
			out = append(out, path+": does not match pattern")
		}
	}
	if n, ok := v.(int64); ok {
		if min, ok := s["minimum"].(float64); ok && float64(n) < min {
			out = append(out, path+": below minimum")
		}
		if max, ok := s["maximum"].(float64); ok && float64(n) > max {
			out = append(out, path+": above maximum")
		}
	}
	if obj, ok := v.(map[string]any); ok {
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, present := obj[r.(string)]; !present {
					out = append(out, fmt.Sprintf("%s: missing %v", path, r))
				}
			}
		}
		if props, ok := s["properties"].(map[string]any); ok {
			for name, sub := range props {
				if pv, present := obj[name]; present {
					out = append(out, checkSchema(t, sub.(map[string]any), pv, path+"."+name)...)
				}
			}
		}
	}
	if arr, ok := v.([]any); ok {
		if min, ok := s["minItems"].(float64); ok && float64(len(arr)) < min {
			out = append(out, path+": too few items")
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, el := range arr {
				out = append(out, checkSchema(t, items, el, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return out
}

// hasType maps TOML's decoded Go types onto JSON Schema types. Dates and
// times match no JSON type.
func hasType(v any, typ string) bool {
	switch typ {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "integer":
		_, ok := v.(int64)
		return ok
	case "number":
		switch v.(type) {
		case int64, float64:
			return true
		}
		return false
	}
	return false
}

func inEnum(v any, enum []any) bool {
	for _, e := range enum {
		if e == v {
			return true
		}
	}
	return false
}

// TestSchemaChecker makes sure the checker itself can fail.
func TestSchemaChecker(t *testing.T) {
	s := map[string]any{
		"type": "object", "required": []any{"a"},
		"properties": map[string]any{
			"a": map[string]any{"type": "array", "minItems": float64(1), "items": map[string]any{"type": "string", "pattern": "^x"}},
			"b": map[string]any{"type": "string", "enum": []any{"p", "q"}},
			"c": map[string]any{"type": "integer", "minimum": float64(1), "maximum": float64(3)},
		},
	}
	cases := []struct {
		v    any
		want int
	}{
		{map[string]any{"a": []any{"x1"}, "b": "p"}, 0},
		{map[string]any{}, 1},
		{map[string]any{"a": []any{}}, 1},
		{map[string]any{"a": []any{"y", int64(1)}}, 2},
		{map[string]any{"a": "x"}, 1},
		{map[string]any{"a": []any{"x"}, "b": "r"}, 1},
		{[]any{}, 1},
		{map[string]any{"a": []any{"x"}, "c": int64(0)}, 1},
		{map[string]any{"a": []any{"x"}, "c": int64(4)}, 1},
		{map[string]any{"a": []any{"x"}, "c": int64(2)}, 0},
	}
	for i, tc := range cases {
		if got := checkSchema(t, s, tc.v, "$"); len(got) != tc.want {
			t.Errorf("case %d: got %q, want %d violations", i, got, tc.want)
		}
	}
}
