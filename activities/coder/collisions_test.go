package coder_test

import (
	"context"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/activities/coder"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
)

func TestTaskNameTakenByAnotherIssueGetsADistinctName(t *testing.T) {
	e := newEnv(t, fakecoder.Options{})
	ctx := context.Background()
	// acme/api#7 and acme-labs/api#7 both make the task name gh-api-7.
	mine := coder.CreateSpec{Name: "gh-api-7", Owner: "alice", Input: "https://github.com/acme/api/issues/7", Identity: "https://github.com/acme/api/issues/7"}
	theirs := coder.CreateSpec{Name: "gh-api-7", Owner: "alice", Input: "https://github.com/acme-labs/api/issues/7", Identity: "https://github.com/acme-labs/api/issues/7"}
	first := e.create(t, mine)
	second := e.create(t, theirs)
	if first.ID == second.ID || second.Name == "gh-api-7" || !strings.HasPrefix(second.Name, "gh-api-7-") || len(second.Name) > 32 {
		t.Fatalf("second issue got %+v; want its own task with a distinct name", second)
	}
	// Retries find each issue's own task.
	for _, c := range []struct {
		spec coder.CreateSpec
		want coder.Ref
	}{{mine, first}, {theirs, second}} {
		got, adopted, err := e.backend.CreateOrAdopt(ctx, c.spec)
		if err != nil || !adopted || got.ID != c.want.ID {
			t.Fatalf("retry of %s: %+v adopted=%v %v; want %s adopted", c.spec.Identity, got, adopted, err, c.want.ID)
		}
	}
	if n := len(e.fake.Created()); n != 2 {
		t.Fatalf("tasks created = %d, want 2", n)
	}
	// Issue 70's URL starts with issue 7's: it is not the same issue.
	seventy := coder.CreateSpec{Name: "gh-api-7", Owner: "alice", Input: "https://github.com/acme/api/issues/70", Identity: "https://github.com/acme/api/issues/7"}
	if _, adopted, err := e.backend.CreateOrAdopt(ctx, coder.CreateSpec{Name: "gh-api-70", Owner: "alice", Input: seventy.Input, Identity: seventy.Input}); err != nil || adopted {
		t.Fatalf("issue 70: adopted=%v err=%v", adopted, err)
	}
}

func TestLongRepoNamesThatAgreeGetDistinctTaskNames(t *testing.T) {
	e := newEnv(t, fakecoder.Options{})
	const name = "gh-widget-service-backend-mon-3" // both repos cut to this
	a := e.create(t, coder.CreateSpec{Name: name, Owner: "alice", Input: "https://github.com/acme/widget-service-backend-monolith/issues/3", Identity: "https://github.com/acme/widget-service-backend-monolith/issues/3"})
	b := e.create(t, coder.CreateSpec{Name: name, Owner: "alice", Input: "https://github.com/acme/widget-service-backend-monorepo/issues/3", Identity: "https://github.com/acme/widget-service-backend-monorepo/issues/3"})
	if a.ID == b.ID || a.Name != name || b.Name == name || len(b.Name) > 32 {
		t.Fatalf("tasks %+v and %+v: want two, the second with a distinct name", a, b)
	}
}

func TestDistinctName(t *testing.T) {
	long := coder.DistinctName(strings.Repeat("a", 32), "x")
	if len(long) != 32 || !strings.HasPrefix(long, strings.Repeat("a", 25)+"-") {
		t.Fatalf("DistinctName(32 a's) = %q", long)
	}
	if coder.DistinctName("gh-x-1", "u1") != coder.DistinctName("gh-x-1", "u1") || coder.DistinctName("gh-x-1", "u1") == coder.DistinctName("gh-x-1", "u2") {
		t.Fatal("DistinctName is not one name per identity")
	}
	// A cut that ends in a dash does not double it.
	if n := coder.DistinctName("gh-abcdefghijklmnopqrstuvw-xyz-1", "x"); strings.Contains(n, "--") {
		t.Fatalf("name %q has a double dash", n)
	}
}

func TestMissingTemplateIsNamed(t *testing.T) {
	e := newEnv(t, fakecoder.Options{})
	spec := coder.CreateSpec{Name: "gh-x-1", Owner: "alice", Input: "hi", TemplateName: "no-such-template"}
	_, _, err := e.backend.CreateOrAdopt(context.Background(), spec)
	if err == nil || !strings.Contains(err.Error(), `there is no template "no-such-template" in organization "default"`) || !coder.IsStatus(err, 404) {
		t.Fatalf("err = %v, want the missing template named", err)
	}
}
