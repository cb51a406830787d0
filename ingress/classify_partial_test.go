package ingress

import "testing"

// TestClassifyPayloadWithoutCommentObject: a comment event whose "comment"
// object is missing (FuzzClassify found it panicking the classifier in CI)
// is skipped with a reason, for issue comments, PR comments and review
// comments alike; so are a reopen without an issue and a push with a null
// commit; and an issue without created_at still classifies.
func TestClassifyPayloadWithoutCommentObject(t *testing.T) {
	s := testSettings()
	repo := `"repository":{"name":"r","owner":{"login":"o"}},"installation":{"id":1}`
	for _, tc := range []struct{ event, body string }{
		{"issue_comment", `{"action":"created","issue":{"number":1},` + repo + `}`},
		{"issue_comment", `{"action":"edited","issue":{"number":1,"pull_request":{},"user":{"login":"` + s.AgentLogin + `"}},` + repo + `}`},
		{"pull_request_review_comment", `{"action":"created","pull_request":{"number":2,"user":{"login":"` + s.AgentLogin + `"}},` + repo + `}`},
	} {
		sk, ok := classifyBytes(t, tc.event, []byte(tc.body), s).(Skip)
		if !ok || sk.Reason != "no comment in payload" {
			t.Errorf("%s %s: %#v, want skip \"no comment in payload\"", tc.event, tc.body, sk)
		}
	}
	// Other parts a malformed payload may lack or null out.
	if sk, ok := classifyBytes(t, "issues", []byte(`{"action":"reopened",`+repo+`}`), s).(Skip); !ok || sk.Reason != "agent is not assigned to the issue" {
		t.Errorf("reopened without issue: %#v", sk)
	}
	push := `{"ref":"refs/heads/main","after":"1","commits":[null],"repository":{"name":"r","owner":{"name":"o"},"default_branch":"main"},"installation":{"id":1}}`
	if sk, ok := classifyBytes(t, "push", []byte(push), s).(Skip); !ok || sk.Reason != "push does not touch "+ConfigPath {
		t.Errorf("push with a null commit: %#v", sk)
	}
	body := `{"action":"opened","issue":{"number":3,"body":"@` + s.AgentLogin + ` go","user":{"login":"u"}},"sender":{"login":"u"},` + repo + `}`
	d, ok := classifyBytes(t, "issues", []byte(body), s).(StartIssue)
	if !ok || d.Event.Comment == nil || d.Event.Comment.CreatedAt != "" {
		t.Errorf("opened without created_at: %#v", d)
	}
}

// A comment or review whose user is null (or has no login) is skipped with
// that reason: there is nobody whose access could be checked.
func TestClassifyCommentWithNullUser(t *testing.T) {
	s := testSettings()
	repo := `"repository":{"name":"r","owner":{"login":"o"}},"installation":{"id":1}`
	for _, tc := range []struct{ event, body string }{
		{"issue_comment", `{"action":"created","issue":{"number":1},"comment":{"id":5,"body":"hi","user":null},` + repo + `}`},
		{"issue_comment", `{"action":"created","issue":{"number":1},"comment":{"id":5,"body":"hi","user":{"id":3}},` + repo + `}`},
		{"pull_request_review_comment", `{"action":"created","pull_request":{"number":2},"comment":{"id":6,"body":"hi"},` + repo + `}`},
		{"pull_request_review", `{"action":"submitted","pull_request":{"number":2},"review":{"id":7,"body":"hi","user":null},` + repo + `}`},
	} {
		sk, ok := classifyBytes(t, tc.event, []byte(tc.body), s).(Skip)
		if !ok || sk.Reason != noAuthor {
			t.Errorf("%s %s: %#v, want skip %q", tc.event, tc.body, sk, noAuthor)
		}
	}
}
