package main

import "github.com/code-factory/code-factory/internal/payloads"

const headSHA = "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1"

var (
	repo      = payloads.Repo{Owner: owner, Name: repoName, ID: 4242, Installation: 7}
	alice     = payloads.User{Login: "alice", ID: 1001}
	agentUser = payloads.User{Login: agent, ID: 9001}
)

func issue() payloads.Issue {
	return payloads.Issue{Number: issueNum, Title: "Widgets break", Author: alice, Assignees: []payloads.User{agentUser}}
}

func assigned() []byte { return payloads.Issues("assigned", repo, issue(), alice, agentUser) }

func closed() []byte {
	is := issue()
	is.State = "closed"
	return payloads.Issues("closed", repo, is, alice, payloads.User{})
}

func comment(id int64, text string) []byte {
	return payloads.IssueComment("created", repo, issue(), payloads.Comment{ID: id, Body: text, Author: alice})
}

func failedRun() []byte {
	return payloads.WorkflowRun(repo, payloads.Run{
		ID: 555, Name: "CI", Path: ".github/workflows/ci.yml", HeadSHA: headSHA, HeadBranch: "fix-42",
		Conclusion: "failure", PRs: []int{64}, Actor: agentUser,
	})
}
