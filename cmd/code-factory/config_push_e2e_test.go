package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/internal/payloads"
)

// configPush is a push of after to the default branch by alice whose
// commit modifies the config file.
func configPush(after string) []byte {
	return payloads.Push(e2eRepo, "1111111111111111111111111111111111111111", after, alice, ".code-factory/config.toml")
}

func TestE2EConfigPushSetsCommitStatus(t *testing.T) {
	s := newStack(t)
	after := "cccc000000000000000000000000000000000001"
	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, after, ".code-factory/config.toml", []byte("[sandbox]\nsize = \"huge\"\n"))
	reply := s.mustPost(http.StatusAccepted, "push", configPush(after), "push-1")
	if !strings.Contains(reply, s.cfg.CoderTaskNamePrefix+"-config-acme/widgets") {
		t.Fatalf("push answered %s, want the config workflow", reply)
	}
	eventually(t, "the commit status", func() bool { return len(s.world.GitHub.Statuses(e2eRepo.Owner, e2eRepo.Name, after)) == 1 })
	st := s.world.GitHub.Statuses(e2eRepo.Owner, e2eRepo.Name, after)[0]
	if st.State != "failure" || st.Context != "code-factory/config" || !strings.Contains(st.Description, "sandbox.size") {
		t.Fatalf("status = %+v, want a failure naming sandbox.size", st)
	}
	// A push that does not touch the file is skipped by the ingress.
	other := payloads.Push(e2eRepo, after, "cccc000000000000000000000000000000000002", alice, "README.md")
	if code, reply := s.deliverBytes("push", other, "push-2"); code != http.StatusOK || !strings.Contains(reply, "skipped") {
		t.Fatalf("unrelated push answered %d %s, want 200 skipped", code, reply)
	}
}
