package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/workflows"
)

// issueRefRE is "owner/repo#42".
var issueRefRE = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)#([0-9]+)$`)

// issueState is what `status` prints of one issue.
type issueState struct {
	WorkflowID string `json:"workflow_id"`
	RunID      string `json:"run_id"`
	TemporalUI string `json:"temporal_ui,omitempty"`
	workflows.IssueStatus
}

func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("status", "Prints what code-factory is doing for an issue (from its workflow's status query),\nor lists the open issue workflows of a repository.\n\nusage: code-factory status [--json] owner/repo#42\n       code-factory status [--json] --repo owner/repo", stderr)
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	repo := fs.String("repo", "", "list every open issue workflow of owner/repo")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, logger, ok := loadConfig(0, stderr)
	if !ok {
		return 1
	}
	c, err := dialTemporal(ctx, cfg, logger, nil)
	if err != nil {
		fmt.Fprintf(stderr, "code-factory status: %v\n", err)
		return 1
	}
	defer c.Close()
	var states []issueState
	switch {
	case *repo != "" && fs.NArg() == 0:
		owner, name, ok := strings.Cut(*repo, "/")
		if !ok || owner == "" || name == "" {
			fmt.Fprintln(stderr, "code-factory status: --repo wants owner/repo")
			return 2
		}
		states, err = repoStates(ctx, c, cfg, owner, name)
	case *repo == "" && fs.NArg() == 1:
		m := issueRefRE.FindStringSubmatch(fs.Arg(0))
		if m == nil {
			fmt.Fprintf(stderr, "code-factory status: %q is not owner/repo#number\n", fs.Arg(0))
			return 2
		}
		n, _ := strconv.Atoi(m[3])
		var st issueState
		st, err = queryIssue(ctx, c, cfg, workflows.IssueWorkflowID(cfg.CoderTaskNamePrefix, m[1], m[2], n))
		states = []issueState{st}
	default:
		fs.Usage()
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "code-factory status: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if *repo == "" {
			return exitOf(enc.Encode(states[0]))
		}
		return exitOf(enc.Encode(states))
	}
	if *repo == "" {
		printState(stdout, states[0])
		return 0
	}
	printStates(stdout, states)
	return 0
}

func exitOf(err error) int {
	if err != nil {
		return 1
	}
	return 0
}

// queryIssue asks an issue workflow's latest run for its status.
func queryIssue(ctx context.Context, c client.Client, cfg *config.Config, id string) (issueState, error) {
	v, err := c.QueryWorkflow(ctx, id, "", workflows.StatusQuery)
	if err != nil {
		return issueState{}, fmt.Errorf("query %s: %w", id, err)
	}
	st := issueState{WorkflowID: id}
	if err := v.Get(&st.IssueStatus); err != nil {
		return issueState{}, fmt.Errorf("query %s: %w", id, err)
	}
	if d, err := c.DescribeWorkflowExecution(ctx, id, ""); err == nil {
		st.RunID = d.GetWorkflowExecutionInfo().GetExecution().GetRunId()
	}
	st.TemporalUI = uiLink(cfg, id, st.RunID)
	return st, nil
}

// repoStates queries every open issue workflow of a repository, found by
// listing running issue workflows whose ID starts with the repository's.
func repoStates(ctx context.Context, c client.Client, cfg *config.Config, owner, repo string) ([]issueState, error) {
	prefix := cfg.CoderTaskNamePrefix + "-" + owner + "/" + repo + "-"
	query := fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running'", workflows.IssueWorkflowName)
	var out []issueState
	var token []byte
	for {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, PageSize: 1000, NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("list workflows: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			id := e.GetExecution().GetWorkflowId()
			o, r, _, err := workflows.ParseIssueWorkflowID(cfg.CoderTaskNamePrefix, id)
			if !strings.HasPrefix(id, prefix) || err != nil || o != owner || r != repo {
				continue
			}
			st, err := queryIssue(ctx, c, cfg, id)
			if err != nil {
				return nil, err
			}
			out = append(out, st)
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return out, nil
		}
	}
}

// uiLink is the workflow's page in the Temporal UI, "" without TEMPORAL_UI_URL.
func uiLink(cfg *config.Config, id, runID string) string {
	if cfg.TemporalUIURL == "" {
		return ""
	}
	return fmt.Sprintf("%s/namespaces/%s/workflows/%s/%s/history", strings.TrimRight(cfg.TemporalUIURL, "/"),
		url.PathEscape(cfg.TemporalNamespace), url.PathEscape(id), url.PathEscape(runID))
}

func printState(w io.Writer, st issueState) {
	fmt.Fprintf(w, "%s#%d  (workflow %s)\n", st.Repo.FullName(), st.Issue, st.WorkflowID)
	fmt.Fprintf(w, "  phase:      %s\n", st.Phase)
	if t := st.Task; t != nil {
		fmt.Fprintf(w, "  %-10s  %s  %s\n", string(t.KindOrTask())+":", t.ID, t.URL)
	} else {
		fmt.Fprintln(w, "  task:       none yet")
	}
	if st.Requester.Login != "" {
		fmt.Fprintf(w, "  requester:  %s\n", st.Requester.Login)
	}
	fmt.Fprintf(w, "  inputs:     %d delivered, %d waiting\n", st.Delivered, st.Waiting)
	if st.AgentError != "" {
		fmt.Fprintf(w, "  agent:      error: %s\n", st.AgentError)
	}
	if st.PullRequest != "" {
		fmt.Fprintf(w, "  pull req.:  %s\n", st.PullRequest)
	}
	if st.LastError != "" {
		fmt.Fprintf(w, "  last error: %s\n", st.LastError)
	}
	if st.StatusText != "" {
		fmt.Fprintf(w, "  status:     %s\n", strings.SplitN(st.StatusText, "\n", 2)[0])
	}
	if st.TemporalUI != "" {
		fmt.Fprintf(w, "  temporal:   %s\n", st.TemporalUI)
	}
}

func printStates(w io.Writer, states []issueState) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ISSUE\tPHASE\tTASK\tDELIVERED\tWAITING")
	for _, st := range states {
		task := "-"
		if st.Task != nil {
			task = st.Task.URL
		}
		fmt.Fprintf(tw, "%s#%d\t%s\t%s\t%d\t%d\n", st.Repo.FullName(), st.Issue, st.Phase, task, st.Delivered, st.Waiting)
	}
	_ = tw.Flush()
}
