package activities_test

import (
	"testing"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/internal/fakes/fakeworld"
)

// newWorld starts the fakes and the activities wired to them, closed when
// the test ends.
func newWorld(t *testing.T, opts fakeworld.Options) (*fakeworld.World, *activities.Activities) {
	t.Helper()
	world, err := fakeworld.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(world.Close)
	acts, err := world.Activities(fakeworld.FastTiming(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return world, acts
}
