package workflows

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// MaxTaskNameLength is Coder's limit on task names.
const MaxTaskNameLength = 32

// nonNameChars are runs of what Coder task names may not contain.
var nonNameChars = regexp.MustCompile(`[^a-zA-Z0-9]+`)

// IssueWorkflowID names the one long-lived workflow of an issue:
// "{prefix}-{owner}/{repo}-{issue}", e.g. "gh-acme/widgets-42".
// GitHub owners and repository names cannot contain "/", so the ID is unambiguous.
func IssueWorkflowID(prefix, owner, repo string, issue int) string {
	return fmt.Sprintf("%s-%s/%s-%d", prefix, owner, repo, issue)
}

// ParseIssueWorkflowID is the inverse of IssueWorkflowID.
func ParseIssueWorkflowID(prefix, id string) (owner, repo string, issue int, err error) {
	rest, ok := strings.CutPrefix(id, prefix+"-")
	if !ok {
		return "", "", 0, fmt.Errorf("workflow id %q: missing prefix %q", id, prefix+"-")
	}
	owner, rest, ok = strings.Cut(rest, "/")
	if !ok || owner == "" {
		return "", "", 0, fmt.Errorf("workflow id %q: missing owner", id)
	}
	dash := strings.LastIndex(rest, "-")
	if dash <= 0 {
		return "", "", 0, fmt.Errorf("workflow id %q: missing repo or issue number", id)
	}
	repo = rest[:dash]
	if strings.Contains(repo, "/") {
		return "", "", 0, fmt.Errorf("workflow id %q: repo contains '/'", id)
	}
	issue, err = strconv.Atoi(rest[dash+1:])
	if err != nil || issue <= 0 {
		return "", "", 0, fmt.Errorf("workflow id %q: bad issue number", id)
	}
	return owner, repo, issue, nil
}

// RelayWorkflowID names the short relay workflow of one pull-request-scoped
// delivery. It is derived from the delivery id, so a redelivery is a no-op.
func RelayWorkflowID(prefix, deliveryID string) string {
	return prefix + "-relay-" + deliveryID
}

// ParseRelayWorkflowID is the inverse of RelayWorkflowID.
func ParseRelayWorkflowID(prefix, id string) (deliveryID string, err error) {
	d, ok := strings.CutPrefix(id, prefix+"-relay-")
	if !ok || d == "" {
		return "", fmt.Errorf("workflow id %q: not a relay workflow id", id)
	}
	return d, nil
}

// SweepWorkflowID names the sweep started by one delivery (a rename,
// transfer, deletion or uninstall): "{prefix}-sweep-{delivery}".
func SweepWorkflowID(prefix, deliveryID string) string {
	return prefix + "-sweep-" + deliveryID
}

// ParseSweepWorkflowID is the inverse of SweepWorkflowID.
func ParseSweepWorkflowID(prefix, id string) (deliveryID string, err error) {
	d, ok := strings.CutPrefix(id, prefix+"-sweep-")
	if !ok || d == "" {
		return "", fmt.Errorf("workflow id %q: not a sweep workflow id", id)
	}
	return d, nil
}

// PRRelayWorkflowID names the relay of one pull request's comments:
// "{prefix}-{owner}/{repo}/pull/{pr}". Repository names cannot contain "/",
// so it never equals an issue workflow's ID.
func PRRelayWorkflowID(prefix, owner, repo string, pr int) string {
	return fmt.Sprintf("%s-%s/%s/pull/%d", prefix, owner, repo, pr)
}

// ParsePRRelayWorkflowID is the inverse of PRRelayWorkflowID.
func ParsePRRelayWorkflowID(prefix, id string) (owner, repo string, pr int, err error) {
	rest, ok := strings.CutPrefix(id, prefix+"-")
	parts := strings.Split(rest, "/")
	if !ok || len(parts) != 4 || parts[0] == "" || parts[1] == "" || parts[2] != "pull" {
		return "", "", 0, fmt.Errorf("workflow id %q: not a pull request relay id", id)
	}
	pr, err = strconv.Atoi(parts[3])
	if err != nil || pr <= 0 {
		return "", "", 0, fmt.Errorf("workflow id %q: bad pull request number", id)
	}
	return parts[0], parts[1], pr, nil
}

// ConfigWorkflowID names the per-repository config workflow:
// "{prefix}-config-{owner}/{repo}".
func ConfigWorkflowID(prefix, owner, repo string) string {
	return fmt.Sprintf("%s-config-%s/%s", prefix, owner, repo)
}

// ParseConfigWorkflowID is the inverse of ConfigWorkflowID.
func ParseConfigWorkflowID(prefix, id string) (owner, repo string, err error) {
	rest, ok := strings.CutPrefix(id, prefix+"-config-")
	if !ok {
		return "", "", fmt.Errorf("workflow id %q: not a config workflow id", id)
	}
	owner, repo, ok = strings.Cut(rest, "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		return "", "", fmt.Errorf("workflow id %q: bad owner/repo", id)
	}
	return owner, repo, nil
}

// TaskName is the Coder task name of an issue, "{prefix}-{repo}-{issue}",
// cut to Coder's 32 characters exactly like coder-action: only the repo part
// is shortened, and dashes left at its end are trimmed. Coder accepts only
// letters and digits joined by single dashes, so runs of other characters
// in the repo name ("my_repo", "foo.js", "a--b") become one dash; names
// coder-action could create are unchanged.
func TaskName(prefix, repo string, issue int) (string, error) {
	repo = strings.Trim(nonNameChars.ReplaceAllString(repo, "-"), "-")
	if repo == "" {
		// A name of punctuation only ("_", "---"): "gh--7" is no name
		// Coder accepts (found by FuzzIDs).
		repo = "repo"
	}
	num := strconv.Itoa(issue)
	room := MaxTaskNameLength - len(prefix) - len(num) - 2
	if room <= 0 {
		return "", fmt.Errorf("task name prefix %q and issue %d leave no room for the repo name (max %d chars)", prefix, issue, MaxTaskNameLength)
	}
	if len(repo) > room {
		repo = strings.TrimRight(repo[:room], "-")
	}
	return prefix + "-" + repo + "-" + num, nil
}

// ScheduleID names the Temporal Schedule of a repository's scheduled job:
// "{prefix}-schedule-{owner}/{repo}-{name}".
func ScheduleID(prefix, owner, repo, job string) string {
	return fmt.Sprintf("%s-schedule-%s/%s-%s", prefix, owner, repo, job)
}

// ScheduleJobName is the inverse of ScheduleID for a known repository (job
// and repository names may both contain dashes, so the repository is needed).
func ScheduleJobName(prefix, owner, repo, id string) (string, error) {
	job, ok := strings.CutPrefix(id, fmt.Sprintf("%s-schedule-%s/%s-", prefix, owner, repo))
	if !ok || job == "" {
		return "", fmt.Errorf("schedule id %q: not a schedule of %s/%s", id, owner, repo)
	}
	return job, nil
}

// FailedRunWorkflowID names the one task of a failed-run hook per workflow
// file, head commit and branch: "{prefix}-failedrun-{owner}/{repo}/{sha}/{file}/{branch}".
// The branch goes last because it may contain "/".
func FailedRunWorkflowID(prefix, owner, repo, sha, file, branch string) string {
	return fmt.Sprintf("%s-failedrun-%s/%s/%s/%s/%s", prefix, owner, repo, sha, file, branch)
}

// ParseFailedRunWorkflowID is the inverse of FailedRunWorkflowID.
func ParseFailedRunWorkflowID(prefix, id string) (owner, repo, sha, file, branch string, err error) {
	rest, ok := strings.CutPrefix(id, prefix+"-failedrun-")
	parts := strings.SplitN(rest, "/", 5)
	if !ok || len(parts) != 5 || slices.Contains(parts, "") {
		return "", "", "", "", "", fmt.Errorf("workflow id %q: not a failed-run workflow id", id)
	}
	return parts[0], parts[1], parts[2], parts[3], parts[4], nil
}

// hashedTaskName is "{prefix}-{kind}-{hex of key}" for tasks not tied to an
// issue: 12 hex digits, fewer when a long prefix leaves less room in Coder's
// MaxTaskNameLength (a 20-character prefix still leaves 7).
func hashedTaskName(prefix, kind, key string) string {
	sum := sha256.Sum256([]byte(key))
	n := max(1, min(12, MaxTaskNameLength-len(prefix)-len(kind)-2))
	return prefix + "-" + kind + "-" + hex.EncodeToString(sum[:])[:n]
}
