package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/workflows"
)

func TestE2EAutoPicksTheBackendOfEachDeployment(t *testing.T) {
	for api, want := range map[fakecoder.API]string{
		fakecoder.APITasks: fakecoder.KindTask,
		fakecoder.APIChats: fakecoder.KindChat,
		fakecoder.APIBoth:  fakecoder.KindChat,
	} {
		name := string(api)
		if api == fakecoder.APIBoth {
			name = "both"
		}
		t.Run(name, func(t *testing.T) {
			s := newStack(t, onAPI(api))
			s.seed()
			s.assign()
			if got := s.world.Coder.Created()[0].Kind; got != want {
				t.Fatalf("run kind = %s, want %s", got, want)
			}
			if !strings.Contains(s.logs.String(), `msg="coder backend chosen" backend=`+want) {
				t.Fatalf("the start-up log does not say which backend was chosen:\n%s", s.logs)
			}
		})
	}
}

func TestE2EBusyChatQueuesEachMessageAtOnceInOrder(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APIChats))
	s.seed()
	chatID := s.assign()
	if err := s.world.Coder.SetWorking(chatID); err != nil {
		t.Fatal(err)
	}
	if err := s.world.Coder.Hold(chatID); err != nil { // the agent keeps working
		t.Fatal(err)
	}
	for i, text := range []string{"one", "two", "three"} {
		s.mustPost(http.StatusAccepted, "issue_comment", commentBody(int64(5101+i), alice, "comment "+text), "d-busy-"+text)
	}
	eventually(t, "three messages sent", func() bool { return s.blocks(chatID) == 3 })
	msgs := s.world.Coder.Messages(chatID)
	var texts []string
	for _, m := range msgs {
		if !m.Queued {
			t.Fatalf("message %q was not queued by Coder behind the working agent", m.Text)
		}
		texts = append(texts, m.Text)
	}
	all := strings.Join(texts, "\n")
	if strings.Index(all, "comment one") > strings.Index(all, "comment two") || strings.Index(all, "comment two") > strings.Index(all, "comment three") {
		t.Fatalf("messages out of order: %q", texts)
	}
}

func TestE2EWorkerKilledBetweenCreateAndStatusMakesOneRun(t *testing.T) {
	eachAPI(t, func(t *testing.T, api fakecoder.API) {
		s := newStack(t, onAPI(api), withConfig(func(c *config.Config) { c.CallTimeout = 2 * time.Second }))
		s.seed()
		s.worker.Stop()
		child := s.startChildWorker()
		release := s.world.Coder.HoldCreates()
		defer release()
		s.mustPost(http.StatusAccepted, "issues", assignedBody(), "d-assign")
		// Coder made the run, but the worker dies before it hears so.
		eventually(t, "the run made in Coder", func() bool { return len(s.world.Coder.Created()) == 1 })
		s.killChild(child)
		release()
		s.startWorker()
		eventually(t, "the run adopted and running", func() bool { return strings.HasPrefix(s.statusText(), "Task is running: ") })
		if n := len(s.world.Coder.Created()); n != 1 {
			t.Fatalf("runs created = %d, want 1", n)
		}
		if !strings.Contains(s.statusText(), s.world.Coder.Created()[0].ID) {
			t.Fatalf("status = %q, want the one run's link", s.statusText())
		}
	})
}

func TestE2ERepoConfigGivesTheChatItsOwnWorkspace(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APIChats))
	s.seed()
	s.world.GitHub.SetFile(e2eRepo.Owner, e2eRepo.Name, "", ".code-factory/config.toml", []byte("[sandbox]\nsize = \"large\"\ndocker = true\n"))
	chatID := s.assign()
	ws := s.world.Coder.Workspaces()
	chat := s.world.Coder.Created()[0]
	if len(ws) != 1 || chat.WorkspaceID != ws[0].ID || ws[0].OwnerName != alice.Login {
		t.Fatalf("workspaces %+v, chat %+v: want one of alice's, the chat pinned to it", ws, chat)
	}
	params := map[string]string{}
	for _, p := range ws[0].RichParameters {
		params[p.Name] = p.Value
	}
	if params["size"] != "large" || params["docker"] != "true" || params["repo_name"] != "widgets" {
		t.Fatalf("workspace parameters = %v, want the config's inputs", params)
	}
	s.mustPost(http.StatusAccepted, "issues", closedBody(), "d-close")
	eventually(t, "the chat archived", func() bool { return s.world.Coder.Ends(chatID) == 1 })
	eventually(t, "the workspace deleted", func() bool { return s.world.Coder.Workspaces()[0].DeleteRequested })
}

func TestE2EChatInErrorIsExplainedOnTheIssue(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APIChats))
	s.seed()
	chatID := s.assign()
	if err := s.world.Coder.SetFailed(chatID, "Usage limit reached for this month."); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the error on the issue", func() bool {
		return strings.Contains(s.statusText(), "The agent stopped with an error: Usage limit reached for this month.")
	})
}

func TestE2EUnassignInterruptsAndArchivesTheChat(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APIChats))
	s.seed()
	chatID := s.assign()
	if err := s.world.Coder.SetWorking(chatID); err != nil {
		t.Fatal(err)
	}
	if err := s.world.Coder.Hold(chatID); err != nil {
		t.Fatal(err)
	}
	s.mustPost(http.StatusAccepted, "issues", unassignedBody(), "d-unassign")
	eventually(t, "the chat archived", func() bool { return s.world.Coder.Ends(chatID) == 1 })
	if n := s.world.Coder.Interrupts(chatID); n != 1 {
		t.Fatalf("interrupts = %d, want 1", n)
	}
	eventually(t, "the status", func() bool { return strings.HasPrefix(s.statusText(), "Task cancelled: the agent was unassigned.") })
}

// TestE2ENoMintedTokenLeaks runs a chat's whole life (including a token an
// admin expired mid-way, and an agent error) and searches every log line,
// every comment and the workflow's history for the tokens minted for alice.
func TestE2ENoMintedTokenLeaks(t *testing.T) {
	s := newStack(t, onAPI(fakecoder.APIChats))
	s.seed()
	chatID := s.assign()
	s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5001, alice, "first"), "d-c1")
	eventually(t, "the first comment", func() bool { return s.blocks(chatID) == 1 })
	s.world.Coder.ExpireAllTokens() // the next call is refused and a token re-minted
	if err := s.world.Coder.SetFailed(chatID, "The provider is down."); err != nil {
		t.Fatal(err)
	}
	s.mustPost(http.StatusAccepted, "issue_comment", commentBody(5002, alice, "second"), "d-c2")
	eventually(t, "the second comment", func() bool { return s.blocks(chatID) == 2 })
	s.mustPost(http.StatusAccepted, "issues", closedBody(), "d-close")
	id := workflows.IssueWorkflowID(s.cfg.CoderTaskNamePrefix, e2eRepo.Owner, e2eRepo.Name, e2eIssue)
	s.waitClosed(id)

	minted := s.world.Coder.Minted()
	if len(minted) < 2 {
		t.Fatalf("minted %d tokens, want the first and a replacement", len(minted))
	}
	history, err := protojson.Marshal(s.history(id))
	if err != nil {
		t.Fatal(err)
	}
	var comments strings.Builder
	for _, c := range s.world.GitHub.Comments(e2eRepo.Owner, e2eRepo.Name, e2eIssue) {
		comments.WriteString(c.Body)
	}
	logs := s.logs.String()
	if !strings.Contains(logs, "chat") {
		t.Fatal("no log lines were captured")
	}
	for _, m := range minted {
		for where, text := range map[string]string{"logs": logs, "comments": comments.String(), "history": string(history)} {
			if strings.Contains(text, m.Key) || strings.Contains(text, m.Key[len(m.ID)+1:]) {
				t.Errorf("a minted token (key id %s) appears in the %s", m.ID, where)
			}
		}
	}
}
