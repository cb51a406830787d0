package ingress

import (
	"testing"
	"time"

	"github.com/code-factory/code-factory/internal/payloads"
)

// The core tests read their deliveries from own: payloads the project
// builds from go-github's types (internal/payloads), with the values of the
// real deliveries they are named after, so they run in any clone. The real
// files, where present, are run through the classifier by the corpus layer
// (fixtures_table_test.go).
var (
	ownCapRepo   = payloads.Repo{Owner: "xmtplabs", Name: "coder-action", ID: 1184842494, Installation: 118770088}
	ownHelloRepo = payloads.Repo{Owner: "Codertocat", Name: "Hello-World", ID: 186853002, DefaultBranch: "master", Installation: 1}
	neekolas     = payloads.User{Login: "neekolas", ID: 65710}
	codertocat   = payloads.User{Login: "Codertocat", ID: 21031067}
	ownAgent     = payloads.User{Login: capturedAgent, ID: 258462399}
	ownPR64      = payloads.PR{Number: 64, Author: ownAgent, HeadSHA: "dbbd661d51e80fbbcfb1fcc2cd7446f661d08016", HeadRef: "issue-65"}
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// own returns the project's payload named after a real delivery.
func own(t testing.TB, name string) []byte {
	t.Helper()
	issue65 := payloads.Issue{Number: 65, Title: "Handle empty inputs", Author: neekolas, Assignees: []payloads.User{ownAgent}}
	run := payloads.Run{
		ID: 23526809052, Name: "CI", Path: ".github/workflows/ci.yml", HeadSHA: ownPR64.HeadSHA, HeadBranch: "main",
		Conclusion: "failure", PRs: []int{64}, Actor: neekolas,
	}
	switch name {
	case "webhooks/issues/assigned.captured-to-agent.json":
		return payloads.Issues("assigned", ownCapRepo, issue65, neekolas, ownAgent)
	case "webhooks/issues/closed.captured.json":
		closed := payloads.Issue{Number: 63, State: "closed", Author: neekolas}
		return payloads.Issues("closed", ownCapRepo, closed, neekolas, payloads.User{})
	case "webhooks/issues/unassigned.json":
		return payloads.Issues("unassigned", ownHelloRepo, payloads.Issue{Number: 1, Author: codertocat}, codertocat, codertocat)
	case "webhooks/issue_comment/created.captured-on-issue.json":
		return payloads.IssueComment("created", ownCapRepo, issue65, payloads.Comment{
			ID: 4123912472, Body: "Can you also handle the edge case for empty inputs?", Author: neekolas, At: at("2026-03-25T05:40:58Z"),
		})
	case "webhooks/issue_comment/created.captured-on-agent-pr.json":
		pr := payloads.Issue{Number: 64, Author: ownAgent, PullRequest: true}
		return payloads.IssueComment("created", ownCapRepo, pr, payloads.Comment{ID: 4123912472, Body: "please fix the naming", Author: neekolas})
	case "webhooks/issue_comment/edited.json":
		return payloads.IssueComment("edited", ownHelloRepo, payloads.Issue{Number: 1, Author: codertocat}, payloads.Comment{
			ID: 492700400, Body: "You are totally right! I'll get this fixed right away.", Author: codertocat,
			At: at("2019-05-15T15:20:21Z"), EditedAt: at("2019-05-15T15:20:22Z"),
		})
	case "webhooks/pull_request_review_comment/created.captured-on-agent-pr.json":
		return payloads.ReviewComment("created", ownCapRepo, ownPR64, payloads.Comment{ID: 2985905499, Body: "rename this", Author: neekolas}, "dist/server.js", 1)
	case "webhooks/pull_request_review/submitted.captured-with-body.json":
		return payloads.Review(ownCapRepo, ownPR64, payloads.Comment{ID: 4004106088, Body: "Please fix the naming", Author: neekolas, At: at("2026-03-25T05:39:08Z")}, "commented")
	case "webhooks/pull_request_review/submitted.captured-empty-body.json":
		return payloads.Review(ownCapRepo, ownPR64, payloads.Comment{ID: 4004106089, Author: neekolas}, "approved")
	case "webhooks/workflow_run/completed.captured-failure.json":
		return payloads.WorkflowRun(ownCapRepo, run)
	case "webhooks/workflow_run/completed.captured-success.json":
		run.Conclusion = "success"
		return payloads.WorkflowRun(ownCapRepo, run)
	case "webhooks/ping/payload.json":
		return payloads.Ping(109948940)
	case pushFixture:
		return payloads.Push(ownHelloRepo, zeroSHA, "6113728f27ae82c7b1a177c8d03f9e96e0adf246", codertocat, "README.md")
	}
	t.Fatalf("no own payload named %s", name)
	return nil
}
