package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/code-factory/code-factory/schema"
)

// specHashKey is the memo key holding a hash of a schedule's desired spec:
// the server rewrites cron strings into calendar specs, so comparing specs
// read back from Describe cannot tell whether a schedule changed.
const specHashKey = "code_factory_spec_hash"

// repoMemoKey is the memo key naming the repository ("owner/name") a
// schedule belongs to, so a repository's schedules are found by listing
// even when the workflow that made them is gone.
const repoMemoKey = "code_factory_repo"

// catchupWindow: a job missed while the server was down runs if it is at
// most this late (the default would replay a year of missed runs).
const catchupWindow = 5 * time.Minute

// User is a GitHub user.
type User struct {
	Login string `json:"login"`
	ID    int64  `json:"id"`
}

// JobRun is the input of one scheduled job run (the schedule's action).
type JobRun struct {
	TaskNamePrefix string              `json:"task_name_prefix"`
	InstallationID int64               `json:"installation_id"`
	Repo           Repo                `json:"repo"`
	Job            schema.ScheduledJob `json:"job"`
	// Owner changed the config last; the task runs as their Coder user.
	Owner User `json:"owner"`
	// Input is the task's JSON template inputs.
	Input string `json:"input"`
}

// DesiredSchedule is one schedule the config asks for.
type DesiredSchedule struct {
	ID  string `json:"id"`
	Run JobRun `json:"run"`
}

// ReconcileInput makes a repository's schedules match its config.
type ReconcileInput struct {
	// WorkflowType and TaskQueue of each firing.
	WorkflowType string `json:"workflow_type"`
	// Repo is the repository's "owner/name"; IDPrefix starts the IDs of its
	// schedules. Together they find its schedules by listing (absent in
	// histories from before: then only Known counts).
	Repo     string `json:"repo,omitempty"`
	IDPrefix string `json:"id_prefix,omitempty"`
	// Known are the schedule IDs made for this repository before.
	Known   []string          `json:"known,omitempty"`
	Desired []DesiredSchedule `json:"desired,omitempty"`
}

// ReconcileResult lists what changed; Known are the schedules that exist
// now. Failed are the schedules Temporal refused; the others were still
// reconciled.
type ReconcileResult struct {
	Created []string          `json:"created,omitempty"`
	Updated []string          `json:"updated,omitempty"`
	Deleted []string          `json:"deleted,omitempty"`
	Known   []string          `json:"known,omitempty"`
	Failed  []ScheduleFailure `json:"failed,omitempty"`
}

// ScheduleFailure is one schedule that could not be made, changed or
// deleted, and why (Temporal's message, cut short; it never holds a config
// value: the job's inputs are not part of it).
type ScheduleFailure struct {
	ID     string `json:"id"`
	Job    string `json:"job,omitempty"`
	Reason string `json:"reason"`
}

// ReconcileSchedules creates new schedules, updates changed ones and deletes
// removed ones: every schedule of the repository found by listing, plus
// Known, that the config no longer has. One schedule that Temporal refuses
// is reported in Failed and does not stop the others; an error reaching
// Temporal fails the attempt so it is retried. It is idempotent, so a retry
// after a partial run is safe.
func (a *Activities) ReconcileSchedules(ctx context.Context, in ReconcileInput) (ReconcileResult, error) {
	if a.Schedules == nil {
		return ReconcileResult{}, errors.New("no Temporal schedule client configured")
	}
	existing, err := a.repoSchedules(ctx, in)
	if err != nil {
		return ReconcileResult{}, err
	}
	var res ReconcileResult
	for _, d := range in.Desired {
		changed, created, err := a.upsertSchedule(ctx, in.WorkflowType, in.Repo, d)
		if err != nil {
			if transient(err) {
				return ReconcileResult{}, fmt.Errorf("schedule %s: %w", d.ID, err)
			}
			res.Failed = append(res.Failed, ScheduleFailure{ID: d.ID, Job: d.Run.Job.Name, Reason: shortReason(err)})
			if slices.Contains(existing, d.ID) {
				res.Known = append(res.Known, d.ID) // the old version still exists
			}
			continue
		}
		switch {
		case created:
			res.Created = append(res.Created, d.ID)
		case changed:
			res.Updated = append(res.Updated, d.ID)
		}
		res.Known = append(res.Known, d.ID)
	}
	for _, id := range existing {
		if slices.ContainsFunc(in.Desired, func(d DesiredSchedule) bool { return d.ID == id }) {
			continue
		}
		err := a.Schedules.GetHandle(ctx, id).Delete(ctx)
		var nf *serviceerror.NotFound
		switch {
		case err == nil || errors.As(err, &nf):
			res.Deleted = append(res.Deleted, id)
		case transient(err):
			return ReconcileResult{}, fmt.Errorf("delete schedule %s: %w", id, err)
		default:
			res.Failed = append(res.Failed, ScheduleFailure{ID: id, Reason: shortReason(err)})
			res.Known = append(res.Known, id)
		}
	}
	return res, nil
}

// repoSchedules is Known plus every schedule listed with the repository's
// memo and ID prefix, sorted and without duplicates.
func (a *Activities) repoSchedules(ctx context.Context, in ReconcileInput) ([]string, error) {
	ids := slices.Clone(in.Known)
	if in.Repo != "" && in.IDPrefix != "" {
		it, err := a.Schedules.List(ctx, client.ScheduleListOptions{PageSize: 1000})
		if err != nil {
			return nil, fmt.Errorf("list schedules: %w", err)
		}
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				return nil, fmt.Errorf("list schedules: %w", err)
			}
			if strings.HasPrefix(e.ID, in.IDPrefix) && e.Memo != nil && memoString(e.Memo.GetFields()[repoMemoKey]) == in.Repo {
				ids = append(ids, e.ID)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// transient reports an error reaching Temporal, worth retrying.
func transient(err error) bool {
	var (
		unavailable *serviceerror.Unavailable
		deadline    *serviceerror.DeadlineExceeded
		exhausted   *serviceerror.ResourceExhausted
		internal    *serviceerror.Internal
	)
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.As(err, &unavailable) || errors.As(err, &deadline) || errors.As(err, &exhausted) || errors.As(err, &internal)
}

// maxReasonLen bounds the reason quoted in a commit status.
const maxReasonLen = 100

func shortReason(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if r := []rune(msg); len(r) > maxReasonLen {
		msg = string(r[:maxReasonLen-1]) + "…"
	}
	return msg
}

// upsertSchedule creates the schedule, or updates it when its hash changed.
func (a *Activities) upsertSchedule(ctx context.Context, workflowType, repo string, d DesiredSchedule) (changed, created bool, err error) {
	hash, err := specHash(d)
	if err != nil {
		return false, false, err
	}
	action := &client.ScheduleWorkflowAction{
		ID: d.ID + "-run", Workflow: workflowType, Args: []any{d.Run}, TaskQueue: a.TaskQueue,
		Memo: map[string]any{specHashKey: hash},
	}
	// TimeZoneName "" is UTC (ScheduleSpec's documentation).
	spec := client.ScheduleSpec{CronExpressions: []string{d.Run.Job.Schedule}, TimeZoneName: d.Run.Job.Timezone}
	memo := map[string]any{specHashKey: hash}
	if repo != "" {
		memo[repoMemoKey] = repo
		memo[installationMemoKey] = d.Run.InstallationID
	}
	h := a.Schedules.GetHandle(ctx, d.ID)
	desc, err := h.Describe(ctx)
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		_, err = a.Schedules.Create(ctx, client.ScheduleOptions{
			ID: d.ID, Spec: spec, Action: action, Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP,
			CatchupWindow: catchupWindow, Memo: memo,
		})
		var exists *serviceerror.AlreadyExists
		if errors.As(err, &exists) || errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
			return false, false, nil
		}
		return err == nil, err == nil, err
	}
	if err != nil {
		return false, false, err
	}
	if current, ok := desc.Schedule.Action.(*client.ScheduleWorkflowAction); ok && memoString(current.Memo[specHashKey]) == hash {
		return false, false, nil
	}
	err = h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(u client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
		s := u.Description.Schedule
		s.Spec = &spec
		s.Action = action
		s.Policy = &client.SchedulePolicies{Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP, CatchupWindow: catchupWindow}
		return &client.ScheduleUpdate{Schedule: &s}, nil
	}})
	return err == nil, false, err
}

// specHash hashes everything a firing depends on.
func specHash(d DesiredSchedule) (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// memoString decodes a memo value read back from the server.
func memoString(v any) string {
	switch p := v.(type) {
	case string:
		return p
	case *commonpb.Payload:
		var s string
		if err := converter.GetDefaultDataConverter().FromPayload(p, &s); err == nil {
			return s
		}
	}
	return ""
}
