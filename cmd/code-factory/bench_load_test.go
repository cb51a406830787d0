package main

import (
	"strings"
	"testing"
	"time"
)

// The flood check counts a comment seen twice, and a pair whose order at
// Coder contradicts their 202s (a answered before b was sent, b first).
func TestCheckFloodOrder(t *testing.T) {
	t0 := time.Unix(0, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	// 0 answered before 1 was sent; 1 and 2 overlapped.
	res := benchResult{sent: []time.Time{at(0), at(10), at(11)}, answered: []time.Time{at(5), at(20), at(21)}}
	for _, c := range []struct {
		order            []int
		dups, inversions int
	}{
		{[]int{0, 1, 2}, 0, 0},
		{[]int{0, 2, 1}, 0, 0}, // overlapping posts may land either way
		{[]int{1, 0, 2}, 0, 1},
		{[]int{0, 1, 1, 2}, 1, 0},
	} {
		d, inv := checkFloodOrder(c.order, res)
		if d != c.dups || inv != c.inversions {
			t.Errorf("order %v: %d duplicates, %d inversions; want %d, %d", c.order, d, inv, c.dups, c.inversions)
		}
	}
	if got := floodOrder([]string{"x flood-3. y flood-1.", "flood-2."}); len(got) != 3 || got[0] != 3 || got[2] != 2 {
		t.Errorf("floodOrder: %v", got)
	}
}

// Percentiles are nearest-rank over the samples.
func TestPercentiles(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	if got := percentiles(s); !strings.HasPrefix(got, "p50 50.0ms p90 90.0ms p99 99.0ms max 100.0ms") {
		t.Errorf("percentiles: %q", got)
	}
}
