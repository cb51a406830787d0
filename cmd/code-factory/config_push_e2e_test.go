package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/internal/fixtures"
)

// configPushPayload is the fixture push to the default branch, changed in
// memory so its commit modifies the config file.
func configPushPayload(t testing.TB) (body []byte, after string) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(fixtures.Read(t, "webhooks/push/with-new-branch.json"), &m); err != nil {
		t.Fatal(err)
	}
	m["commits"].([]any)[0].(map[string]any)["modified"] = []any{".code-factory/config.toml"}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b, m["after"].(string)
}

func TestE2EConfigPushSetsCommitStatus(t *testing.T) {
	s := newStack(t)
	body, after := configPushPayload(t)
	s.world.GitHub.SetFile("Codertocat", "Hello-World", after, ".code-factory/config.toml", []byte("[sandbox]\nsize = \"huge\"\n"))
	code, reply := s.deliverBytes("push", body, "push-1")
	if code != http.StatusAccepted || !strings.Contains(reply, s.cfg.CoderTaskNamePrefix+"-config-Codertocat/Hello-World") {
		t.Fatalf("push answered %d %s, want 202 for the config workflow", code, reply)
	}
	eventually(t, "the commit status", func() bool { return len(s.world.GitHub.Statuses("Codertocat", "Hello-World", after)) == 1 })
	st := s.world.GitHub.Statuses("Codertocat", "Hello-World", after)[0]
	if st.State != "failure" || st.Context != "code-factory/config" || !strings.Contains(st.Description, "sandbox.size") {
		t.Fatalf("status = %+v, want a failure naming sandbox.size", st)
	}
	// A push that does not touch the file is skipped by the ingress.
	if code, reply := s.deliver("push", "webhooks/push/with-new-branch.json", "push-2"); code != http.StatusOK || !strings.Contains(reply, "skipped") {
		t.Fatalf("unrelated push answered %d %s, want 200 skipped", code, reply)
	}
}
