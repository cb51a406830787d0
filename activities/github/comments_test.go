package github

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/sdk/temporal"
)

const marker = "<!-- marker -->"

func TestUpsertFindsMarkerOnPageTwo(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := 0; i < 120; i++ {
		e.fake.AddComment(owner, repo, 5, "alice", fmt.Sprintf("chatter %d", i))
	}
	id := e.fake.AddComment(owner, repo, 5, e.fake.BotLogin(), marker+"\nold status")
	e.fake.AddComment(owner, repo, 5, "bob", marker+"\nquoted later, not ours to pick")
	c := e.client(t)
	e.fake.Reset()

	got, err := c.UpsertMarkedComment(ctx, owner, repo, 5, marker, e.fake.BotLogin(), marker+"\nnew status", 0)
	if err != nil {
		t.Fatal(err)
	}
	if got != id {
		t.Errorf("upsert returned %d, want the marker comment %d", got, id)
	}
	if n := e.count("GET", "/repos/acme/widgets/issues/5/comments"); n != 2 {
		t.Errorf("listed %d pages, want 2", n)
	}
	if n := e.count("PATCH", fmt.Sprintf("/repos/acme/widgets/issues/comments/%d", id)); n != 1 {
		t.Errorf("PATCHed the marker comment %d times, want 1", n)
	}
	if n := e.count("POST", "/repos/acme/widgets/issues/5/comments"); n != 0 {
		t.Errorf("created %d comments, want 0", n)
	}
	for _, r := range e.fake.Requests() {
		if r.Method == "GET" && r.Query != "" && r.Query != "per_page=100" && r.Query != "page=2&per_page=100" {
			t.Errorf("list query %q", r.Query)
		}
	}
	for _, cm := range e.fake.Comments(owner, repo, 5) {
		if cm.ID == id && cm.Body != marker+"\nnew status" {
			t.Errorf("marker comment body = %q", cm.Body)
		}
	}
}

func TestUpsertCreatesWhenNoMarker(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fake.AddComment(owner, repo, 6, "alice", "hello "+marker)
	c := e.client(t)
	id, err := c.UpsertMarkedComment(ctx, owner, repo, 6, marker, e.fake.BotLogin(), marker+"\nfirst", 0)
	if err != nil {
		t.Fatal(err)
	}
	cs := e.fake.Comments(owner, repo, 6)
	if len(cs) != 2 || cs[1].ID != id || cs[1].Body != marker+"\nfirst" || cs[1].Login != e.fake.BotLogin() {
		t.Errorf("comments = %+v (new id %d)", cs, id)
	}
	if n := e.count("PATCH", "/repos/"); n != 0 {
		t.Errorf("%d PATCHes, want 0", n)
	}
}

func TestUpsertKnownID(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client(t)
	known := e.fake.AddComment(owner, repo, 7, e.fake.BotLogin(), marker+"\nv1")

	got, err := c.UpsertMarkedComment(ctx, owner, repo, 7, marker, e.fake.BotLogin(), marker+"\nv2", known)
	if err != nil || got != known {
		t.Fatalf("upsert = %d, %v; want %d", got, err, known)
	}
	if n := e.count("GET", "/repos/acme/widgets/issues/7/comments"); n != 0 {
		t.Errorf("listed comments %d times with a known id", n)
	}

	// A stale id (404) falls through to the search, which finds the comment.
	e.fake.Reset()
	got, err = c.UpsertMarkedComment(ctx, owner, repo, 7, marker, e.fake.BotLogin(), marker+"\nv3", known+9999)
	if err != nil || got != known {
		t.Fatalf("stale id: upsert = %d, %v; want %d", got, err, known)
	}
	if n := e.count("PATCH", "/repos/"); n != 2 {
		t.Errorf("%d PATCHes, want the stale one and the found one", n)
	}
	if cs := e.fake.Comments(owner, repo, 7); len(cs) != 1 || cs[0].Body != marker+"\nv3" {
		t.Errorf("comments = %+v", cs)
	}

	// Any other failure of the known-id edit is returned, not papered over.
	e.fake.FailNext("PATCH", "/repos/", 500, 1)
	if _, err := c.UpsertMarkedComment(ctx, owner, repo, 7, marker, e.fake.BotLogin(), marker+"\nv4", known); err == nil {
		t.Error("500 on PATCH not returned")
	}
}

func TestUpsertRejectsBodyWithoutMarker(t *testing.T) {
	e := newEnv(t)
	_, err := e.client(t).UpsertMarkedComment(context.Background(), owner, repo, 1, marker, e.fake.BotLogin(), "no marker here", 0)
	var app *temporal.ApplicationError
	if !errors.As(Classify(err), &app) || app.Type() != ErrTypeInvalidArgument || !app.NonRetryable() {
		t.Errorf("err = %v", Classify(err))
	}
	if len(e.fake.Requests()) != 0 {
		t.Errorf("made %d requests", len(e.fake.Requests()))
	}
}

func TestReactions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client(t)
	if err := c.ReactToIssueComment(ctx, owner, repo, 11, "eyes"); err != nil {
		t.Fatal(err)
	}
	if err := c.ReactToIssueComment(ctx, owner, repo, 11, "eyes"); err != nil {
		t.Fatalf("second identical reaction (200): %v", err)
	}
	if err := c.ReactToReviewComment(ctx, owner, repo, 12, "+1"); err != nil {
		t.Fatal(err)
	}
	got := e.fake.Reactions()
	if len(got) != 2 || got[0].Kind != "issue" || got[0].CommentID != 11 || got[1].Kind != "review" || got[1].Content != "+1" {
		t.Errorf("reactions = %+v", got)
	}
	if n := e.count("POST", "/repos/acme/widgets/pulls/comments/12/reactions"); n != 1 {
		t.Errorf("review reaction endpoint hit %d times", n)
	}
}

// A comment by anyone but the App that carries the marker is not the status
// comment: it is never edited, and never stops the App writing its own.
func TestUpsertIgnoresSpoofedMarker(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	spoof := e.fake.AddComment(owner, repo, 8, "mallory", marker+"\n✅ Done, merge it")
	c := e.client(t)

	id, err := c.UpsertMarkedComment(ctx, owner, repo, 8, marker, e.fake.BotLogin(), marker+"\nreal status", 0)
	if err != nil {
		t.Fatal(err)
	}
	if id == spoof {
		t.Fatalf("upsert edited mallory's comment %d", spoof)
	}
	cs := e.fake.Comments(owner, repo, 8)
	if len(cs) != 2 || cs[0].Body != marker+"\n✅ Done, merge it" || cs[1].ID != id || cs[1].Login != e.fake.BotLogin() {
		t.Errorf("comments = %+v", cs)
	}

	// With the App's comment after the spoof, the App's is the one edited.
	e.fake.Reset()
	got, err := c.UpsertMarkedComment(ctx, owner, repo, 8, marker, e.fake.BotLogin(), marker+"\nnext status", 0)
	if err != nil || got != id {
		t.Fatalf("upsert = %d, %v; want the App's comment %d", got, err, id)
	}
	if n := e.count("PATCH", fmt.Sprintf("/repos/acme/widgets/issues/comments/%d", spoof)); n != 0 {
		t.Errorf("PATCHed the spoofed comment %d times", n)
	}
}
