package config

import (
	"slices"
	"testing"
)

// Variables lists exactly what Load reads.
func TestVariablesAreAll(t *testing.T) {
	asked := map[string]bool{}
	getenv := func(name string) string { asked[name] = true; return "" }
	if _, err := Load(getenv, func(string) ([]byte, error) { return nil, nil }, 0); err != nil {
		t.Fatal(err)
	}
	var got []string
	for n := range asked {
		got = append(got, n)
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(Variables()))
	if !slices.Equal(got, want) {
		t.Fatalf("Load reads %q\nVariables lists %q", got, want)
	}
}
