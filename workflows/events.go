package workflows

import (
	"time"

	"github.com/code-factory/code-factory/activities"
)

// Names registered with the worker. Workflow types are registered under
// these names, so renaming a Go function never orphans running workflows.
const (
	// IssueWorkflowName is the registered name of the per-issue workflow.
	IssueWorkflowName = "IssueWorkflow"
	// RelayWorkflowName is the registered name of the relay workflow of one
	// failed run (and, in histories from before PRRelayWorkflow, of one
	// pull-request comment).
	RelayWorkflowName = "RelayWorkflow"
	// PRRelayWorkflowName is the registered name of the per-pull-request
	// relay of comments and reviews.
	PRRelayWorkflowName = "PRRelayWorkflow"
	// ConfigWorkflowName is the registered name of the per-repository config workflow.
	ConfigWorkflowName = "ConfigWorkflow"
	// ScheduledJobWorkflowName is the registered name of a scheduled job run.
	ScheduledJobWorkflowName = "ScheduledJobWorkflow"
	// FailedRunWorkflowName is the registered name of a failed-run hook task.
	FailedRunWorkflowName = "FailedRunWorkflow"
)

// IssueEventSignal is the one signal channel of the issue workflow. Every
// GitHub event about the issue travels on it, so the workflow sees them in
// the order they were delivered.
const IssueEventSignal = "github-event"

// EventKind says what happened on GitHub.
type EventKind string

// The kinds of IssueEvent.
const (
	// KindAssigned: the agent was assigned to the issue.
	KindAssigned EventKind = "assigned"
	// KindReopened: the issue was reopened while the agent is assigned.
	KindReopened EventKind = "reopened"
	// KindClosed: the issue was closed.
	KindClosed EventKind = "closed"
	// KindUnassigned: the agent was unassigned.
	KindUnassigned EventKind = "unassigned"
	// KindIssueComment: a comment was created or edited on the issue.
	KindIssueComment EventKind = "issue_comment"
	// KindPRComment: a conversation comment on the agent's pull request.
	KindPRComment EventKind = "pr_comment"
	// KindReviewComment: a review comment on a line of the agent's pull request.
	KindReviewComment EventKind = "review_comment"
	// KindReview: a submitted review with a body on the agent's pull request.
	KindReview EventKind = "review"
	// KindCIFailure: a failed workflow run on the agent's pull request head.
	KindCIFailure EventKind = "ci_failure"
	// KindGone: the issue is no longer code-factory's to serve (it, or its
	// repository, was deleted or transferred; the App was uninstalled,
	// suspended or lost access). Gone says which.
	KindGone EventKind = "gone"
	// KindRenamed: the repository was renamed; Repo is its new name. The
	// issue's run moves to the workflow of the new name.
	KindRenamed EventKind = "renamed"
	// KindOpened: an issue was opened whose body mentions someone; Comment
	// holds the body, and it starts a task when it mentions the phrase.
	KindOpened EventKind = "opened"
	// KindLabeled: a label was added to the issue; it starts a task when
	// the label is one of the repository's trigger labels.
	KindLabeled EventKind = "labeled"
	// KindUnlabeled: a label was removed; removing the label that started
	// the task stops it.
	KindUnlabeled EventKind = "unlabeled"
	// KindStopped: a writer asked the agent to stop ("@agent stop"). Made
	// by the workflow itself, never by the ingress.
	KindStopped EventKind = "stopped"
	// KindRetry: a writer asked for a fresh task ("@agent retry"). Made by
	// the workflow itself, never by the ingress.
	KindRetry EventKind = "retry"
	// KindPROpened: a pull request not by the agent was opened or marked
	// ready for review; it starts a review task when the repository's
	// [review] asks for one. Pull says which.
	KindPROpened EventKind = "pr_opened"
	// KindPushed: commits were pushed to a pull request not by the agent;
	// its running task is told (Pull.CompareURL).
	KindPushed EventKind = "pr_pushed"
)

// Pull is the detail of a pull_request delivery to a pull request's own
// task (KindPROpened, KindPushed).
type Pull struct {
	// Action is GitHub's: "opened", "ready_for_review" or "synchronize".
	Action string `json:"action"`
	// Author opened the pull request.
	Author Actor `json:"author"`
	// URL is the pull request's html_url.
	URL string `json:"url,omitempty"`
	// CompareURL shows a push's commits (KindPushed).
	CompareURL string `json:"compare_url,omitempty"`
}

// GoneReason says why an issue is gone.
type GoneReason string

// The reasons of KindGone.
const (
	GoneIssueDeleted      GoneReason = "issue_deleted"
	GoneIssueTransferred  GoneReason = "issue_transferred"
	GoneRepoDeleted       GoneReason = "repository_deleted"
	GoneRepoTransferred   GoneReason = "repository_transferred"
	GoneUninstalled       GoneReason = "uninstalled"
	GoneSuspended         GoneReason = "suspended"
	GoneRepositoryRemoved GoneReason = "repository_removed"
)

// Gone is the detail of a KindGone event.
type Gone struct {
	Reason GoneReason `json:"reason"`
	// To is where the issue went when it was transferred (its repository,
	// number and URL); nil when it is simply gone.
	To *IssueLocation `json:"to,omitempty"`
}

// IssueLocation is an issue somewhere on GitHub.
type IssueLocation struct {
	Repo   Repo   `json:"repo"`
	Number int    `json:"number"`
	URL    string `json:"url,omitempty"`
}

// Starts reports whether the kind may start an issue workflow (SignalWithStart).
func (k EventKind) Starts() bool {
	return k == KindAssigned || k == KindReopened || k == KindOpened || k == KindLabeled || k == KindRetry || k == KindPROpened
}

// Ends reports whether the kind ends the issue's run here: closing and
// unassigning end the task, a gone issue ends it without a word on the
// issue it can no longer reach, a rename hands the run to the workflow of
// the new name.
func (k EventKind) Ends() bool {
	return k == KindClosed || k == KindUnassigned || k == KindGone || k == KindRenamed || k == KindUnlabeled || k == KindStopped
}

// IsComment reports whether the kind carries a Comment to forward.
func (k EventKind) IsComment() bool {
	return k == KindIssueComment || k == KindPRComment || k == KindReviewComment || k == KindReview
}

// Repo names a GitHub repository (the activities' type: one type per concept).
type Repo = activities.Repo

// Actor is a GitHub user.
type Actor = activities.User

// Comment is a comment, review comment or review body to forward to the task.
type Comment struct {
	// ID is the comment id (the review id for KindReview).
	ID int64 `json:"id"`
	// Body is the text as GitHub delivered it; it is sanitised before sending.
	Body string `json:"body"`
	// URL is the comment's html_url.
	URL string `json:"url"`
	// CreatedAt is GitHub's timestamp, sent as "Timestamp:".
	CreatedAt string `json:"created_at"`
	// Author wrote the comment.
	Author Actor `json:"author"`
	// PRNumber is the pull request the comment is on (0 for an issue comment).
	PRNumber int `json:"pr_number,omitempty"`
	// Path and Line locate a review comment ("File: path:line").
	Path string `json:"path,omitempty"`
	Line int    `json:"line,omitempty"`
	// Elided is set when Body was left out of a continue-as-new carry; it
	// is read back from GitHub by ID when sent.
	Elided bool `json:"elided,omitempty"`
}

// CIFailure is a failed workflow run on the agent's pull request.
type CIFailure = activities.CIRun

// IssueEvent is the payload of IssueEventSignal: one GitHub delivery about an
// issue, already classified by the ingress (or resolved by the relay workflow).
type IssueEvent struct {
	// DeliveryID is GitHub's X-GitHub-Delivery; the workflow applies each once.
	DeliveryID     string    `json:"delivery_id"`
	Kind           EventKind `json:"kind"`
	InstallationID int64     `json:"installation_id"`
	Repo           Repo      `json:"repo"`
	IssueNumber    int       `json:"issue_number"`
	IssueURL       string    `json:"issue_url,omitempty"`
	// Sender is who caused the event (the assigner for KindAssigned).
	Sender    Actor      `json:"sender"`
	Comment   *Comment   `json:"comment,omitempty"`
	CIFailure *CIFailure `json:"ci_failure,omitempty"`
	Gone      *Gone      `json:"gone,omitempty"`
	// Label is the label added or removed (KindLabeled, KindUnlabeled).
	Label string `json:"label,omitempty"`
	// Mention is set by the ingress on a comment that @-mentions someone:
	// it may start a task when it mentions the trigger phrase.
	Mention bool `json:"mention,omitempty"`
	// Pull is set on KindPROpened and KindPushed.
	Pull *Pull `json:"pull,omitempty"`
}

// MayStart reports whether the event may start a task: a starting kind, or
// a comment that mentions someone (the workflow matches the phrase).
func (e IssueEvent) MayStart() bool {
	return e.Kind.Starts() || (e.Mention && e.Kind.IsComment())
}

// Settings are the deployment settings a workflow needs to make decisions.
// The ingress puts them in every workflow input, so workflow code never
// reads the environment.
type Settings struct {
	// TaskNamePrefix is CODER_TASK_NAME_PREFIX ("gh").
	TaskNamePrefix string `json:"task_name_prefix"`
	// AgentLogin is AGENT_GITHUB_USERNAME.
	AgentLogin string `json:"agent_login"`
	// BotLogin is the App's "<slug>[bot]" login, if known when the workflow started.
	BotLogin string `json:"bot_login,omitempty"`
	// EventsPerRun is how many events an issue workflow run handles before
	// it continues as new (0: the default, 500).
	EventsPerRun int `json:"events_per_run,omitempty"`
	// WatchEvery is how soon an idle chat is first checked for an error
	// and its pull request (CODER_WATCH_INTERVAL; 0: 30 s); the wait
	// doubles up to 10 minutes and starts over after each input.
	WatchEvery time.Duration `json:"watch_every,omitempty"`
	// CallTimeout bounds one Coder or GitHub call's activity attempt (0:
	// a minute); tests shorten it to see a retry after a lost worker.
	CallTimeout time.Duration `json:"call_timeout,omitempty"`
	// PermissionTTL is how long an author's permission is trusted before it
	// is checked again (PERMISSION_CACHE_TTL; 0: 10 minutes).
	PermissionTTL time.Duration `json:"permission_ttl,omitempty"`
	// TemporalUIURL is the Temporal Web UI, for links on the issue when a
	// workflow fails (TEMPORAL_UI_URL; "" for none).
	TemporalUIURL string `json:"temporal_ui_url,omitempty"`
	// MaxRunEvents and MaxRunBytes bound one issue workflow run's history
	// (0: 10,000 events and 8 MiB); tests lower them.
	MaxRunEvents int `json:"max_run_events,omitempty"`
	MaxRunBytes  int `json:"max_run_bytes,omitempty"`
}

// IssueWorkflowInput starts an issue workflow. Carry is set only when the
// workflow continues as new.
type IssueWorkflowInput struct {
	Settings       Settings `json:"settings"`
	Repo           Repo     `json:"repo"`
	IssueNumber    int      `json:"issue_number"`
	InstallationID int64    `json:"installation_id"`
	// PR is set for a pull request's own task: IssueNumber is the pull
	// request's number (issues and pull requests share one number space),
	// and the workflow serves the pull request as an issue's serves the issue.
	PR    bool        `json:"pr,omitempty"`
	Carry *IssueCarry `json:"carry,omitempty"`
}

// RelayInput starts a relay workflow for one pull-request-scoped delivery.
// Event.IssueNumber is 0: the relay resolves it from the pull request.
// For KindCIFailure, Event.CIFailure.PRNumber is 0 when the payload listed
// no pull request; the relay then looks the pull request up by head SHA.
type RelayInput struct {
	Settings Settings   `json:"settings"`
	Event    IssueEvent `json:"event"`
}

// ConfigPushSignal is the signal of the per-repository config workflow.
const ConfigPushSignal = "config-push"

// ConfigPush is a push to the default branch that touches (or may touch,
// when GitHub truncated the commit list) .code-factory/config.toml.
type ConfigPush struct {
	DeliveryID     string `json:"delivery_id"`
	InstallationID int64  `json:"installation_id"`
	Repo           Repo   `json:"repo"`
	DefaultBranch  string `json:"default_branch"`
	Before         string `json:"before"`
	After          string `json:"after"`
	Pusher         Actor  `json:"pusher"`
	// Removed is true when the push deleted the file.
	Removed bool `json:"removed,omitempty"`
	// Truncated is true when GitHub's commit list was cut and the workflow
	// must compare Before...After to know whether the file changed.
	Truncated bool `json:"truncated,omitempty"`
	// Resync is set on the push a rename sends: read the default branch as
	// it is and make the schedules again, without a commit status.
	Resync bool `json:"resync,omitempty"`
}

// ConfigGoneSignal ends the config workflow of a repository code-factory no
// longer serves (deleted, transferred, renamed away, uninstalled); its
// schedules are deleted by the sweep that sends it.
const ConfigGoneSignal = "config-gone"

// ConfigWorkflowInput starts the per-repository config workflow.
type ConfigWorkflowInput struct {
	Settings       Settings `json:"settings"`
	Repo           Repo     `json:"repo"`
	InstallationID int64    `json:"installation_id"`
	// Carry is set only when the workflow continues as new.
	Carry *ConfigCarry `json:"carry,omitempty"`
}
