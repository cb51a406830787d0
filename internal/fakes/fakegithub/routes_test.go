package fakegithub

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestCommentsPaginationLinks(t *testing.T) {
	f := setup(t)
	tok := "token " + f.token(t)
	for i := 0; i < 5; i++ {
		f.srv.AddComment("acme", "widgets", 3, "alice", fmt.Sprintf("c%d", i))
	}
	base := f.srv.URL() + "repos/acme/widgets/issues/3/comments"

	resp, b := f.do(t, "GET", base+"?per_page=2", tok, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	link := resp.Header.Get("Link")
	wantNext := fmt.Sprintf(`<%s?page=2&per_page=2>; rel="next"`, base)
	wantLast := fmt.Sprintf(`<%s?page=3&per_page=2>; rel="last"`, base)
	if !strings.Contains(link, wantNext) || !strings.Contains(link, wantLast) || strings.Contains(link, `rel="prev"`) {
		t.Errorf("page 1 Link = %q", link)
	}
	var page []struct {
		ID   int64  `json:"id"`
		Body string `json:"body"`
		User struct {
			Login string `json:"login"`
		} `json:"user"`
	}
	if err := json.Unmarshal(b, &page); err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].Body != "c0" || page[1].Body != "c1" || page[0].User.Login != "alice" {
		t.Errorf("page 1 = %+v", page)
	}

	resp, b = f.do(t, "GET", base+"?per_page=2&page=3", tok, nil)
	link = resp.Header.Get("Link")
	if strings.Contains(link, `rel="next"`) || !strings.Contains(link, `rel="prev"`) || !strings.Contains(link, `rel="first"`) {
		t.Errorf("last page Link = %q", link)
	}
	if err := json.Unmarshal(b, &page); err != nil {
		t.Fatal(err)
	}
	if len(page) != 1 || page[0].Body != "c4" {
		t.Errorf("page 3 = %+v", page)
	}

	// Without per_page the page size is 30: everything fits, no Link.
	resp, _ = f.do(t, "GET", base, tok, nil)
	if l := resp.Header.Get("Link"); l != "" {
		t.Errorf("single page Link = %q", l)
	}
}

func TestCommentCreateAndUpdate(t *testing.T) {
	f := setup(t)
	tok := "token " + f.token(t)
	resp, b := f.do(t, "POST", f.srv.URL()+"repos/acme/widgets/issues/9/comments", tok, map[string]string{"body": "hello"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, b)
	}
	var c struct {
		ID   int64 `json:"id"`
		User struct {
			Login string `json:"login"`
			Type  string `json:"type"`
		} `json:"user"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if c.User.Login != f.srv.BotLogin() || c.User.Type != "Bot" {
		t.Errorf("author = %+v, want bot %s", c.User, f.srv.BotLogin())
	}
	resp, b = f.do(t, "PATCH", fmt.Sprintf("%srepos/acme/widgets/issues/comments/%d", f.srv.URL(), c.ID), tok, map[string]string{"body": "edited"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("update: %d %s", resp.StatusCode, b)
	}
	got := f.srv.Comments("acme", "widgets", 9)
	if len(got) != 1 || got[0].Body != "edited" || got[0].ID != c.ID {
		t.Errorf("comments = %+v", got)
	}
	// Another repository's path does not reach the comment.
	resp, _ = f.do(t, "PATCH", fmt.Sprintf("%srepos/acme/other/issues/comments/%d", f.srv.URL(), c.ID), tok, map[string]string{"body": "x"})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("cross-repo update: %d, want 404", resp.StatusCode)
	}
}

func TestReactionsDeduplicated(t *testing.T) {
	f := setup(t)
	tok := "token " + f.token(t)
	url := f.srv.URL() + "repos/acme/widgets/pulls/comments/55/reactions"
	for i, want := range []int{http.StatusCreated, http.StatusOK} {
		resp, b := f.do(t, "POST", url, tok, map[string]string{"content": "eyes"})
		if resp.StatusCode != want {
			t.Errorf("call %d: status %d, want %d (%s)", i, resp.StatusCode, want, b)
		}
	}
	if resp, _ := f.do(t, "POST", url, tok, map[string]string{"content": "nope"}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad content: %d, want 422", resp.StatusCode)
	}
	got := f.srv.Reactions()
	want := Reaction{Owner: "acme", Repo: "widgets", CommentID: 55, Kind: "review", Content: "eyes"}
	if len(got) != 1 || got[0] != want {
		t.Errorf("reactions = %+v", got)
	}
}

func TestJobLogRedirectFlow(t *testing.T) {
	f := setup(t)
	tok := "token " + f.token(t)
	f.srv.SetJobLog(77, "line1\nline2\n")
	resp, _ := f.do(t, "GET", f.srv.URL()+"repos/acme/widgets/actions/jobs/77/logs", tok, nil)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d, want 302", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, f.srv.URL()+"_storage/jobs/77/logs?sig=") {
		t.Fatalf("Location = %q", loc)
	}
	if resp, _ := f.do(t, "GET", loc, tok, nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("storage with Authorization: %d, want 400", resp.StatusCode)
	}
	resp, b := f.do(t, "GET", loc, "", nil)
	if resp.StatusCode != http.StatusOK || string(b) != "line1\nline2\n" {
		t.Errorf("storage: %d %q", resp.StatusCode, b)
	}
	forged := strings.Replace(loc, "sig=", "sig=0", 1)
	if resp, _ := f.do(t, "GET", forged, "", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged signature: %d, want 403", resp.StatusCode)
	}
	if resp, _ := f.do(t, "GET", f.srv.URL()+"repos/acme/widgets/actions/jobs/78/logs", tok, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unscripted job log: %d, want 404", resp.StatusCode)
	}
}

func TestContentsWrappedBase64(t *testing.T) {
	f := setup(t)
	tok := "token " + f.token(t)
	content := []byte(strings.Repeat("0123456789", 10))
	f.srv.SetFile("acme", "widgets", "", ".code-factory/config.toml", content)
	resp, b := f.do(t, "GET", f.srv.URL()+"repos/acme/widgets/contents/.code-factory/config.toml?ref=main", tok, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	var body struct {
		Content, Encoding, Path, Type string
	}
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(body.Content, "\n"), "\n")
	if len(lines) < 2 || len(lines[0]) != 60 || !strings.HasSuffix(body.Content, "\n") {
		t.Errorf("content not wrapped at 60: %q", body.Content)
	}
	dec, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(body.Content, "\n", ""))
	if err != nil || string(dec) != string(content) {
		t.Errorf("decoded %q, %v", dec, err)
	}
	if body.Encoding != "base64" || body.Type != "file" || body.Path != ".code-factory/config.toml" {
		t.Errorf("body = %+v", body)
	}
	if resp, _ := f.do(t, "GET", f.srv.URL()+"repos/acme/widgets/contents/.code-factory/config.toml?ref=other", tok, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other ref: %d, want 404", resp.StatusCode)
	}
}

func TestFailNextRateLimit(t *testing.T) {
	f := setup(t)
	tok := "token " + f.token(t)
	f.srv.FailNext("GET", "/repos/acme/widgets/pulls", http.StatusForbidden, 1)
	url := f.srv.URL() + "repos/acme/widgets/pulls"
	resp, _ := f.do(t, "GET", url, tok, nil)
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-RateLimit-Remaining") != "0" || resp.Header.Get("X-RateLimit-Reset") == "" {
		t.Errorf("injected: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ = f.do(t, "GET", url, tok, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("after the injected failure: %d, want 200", resp.StatusCode)
	}
}

func TestGraphQLClosingIssues(t *testing.T) {
	f := setup(t)
	tok := "Bearer " + f.token(t)
	f.srv.SetClosingIssues("acme", "widgets", 12, 3, 4)
	q := map[string]any{
		"query":     `query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) { pullRequest(number: $number) { closingIssuesReferences(first: 10) { nodes { number } } } } }`,
		"variables": map[string]any{"owner": "acme", "name": "widgets", "number": 12},
	}
	resp, b := f.do(t, "POST", f.srv.GraphQLURL(), tok, q)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	if !strings.Contains(string(b), `"nodes":[{"number":3`) || !strings.Contains(string(b), `{"number":4`) {
		t.Errorf("body = %s", b)
	}
	q["variables"] = map[string]any{"owner": "acme", "name": "widgets", "number": 13}
	_, b = f.do(t, "POST", f.srv.GraphQLURL(), tok, q)
	if !strings.Contains(string(b), `"NOT_FOUND"`) {
		t.Errorf("unknown PR body = %s", b)
	}
	if resp, _ := f.do(t, "POST", f.srv.GraphQLURL(), "", q); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %d, want 401", resp.StatusCode)
	}
}
