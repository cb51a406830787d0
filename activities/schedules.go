package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
	// Known are the schedule IDs made for this repository before.
	Known   []string          `json:"known,omitempty"`
	Desired []DesiredSchedule `json:"desired,omitempty"`
}

// ReconcileResult lists what changed; Known are the schedules that exist now.
type ReconcileResult struct {
	Created []string `json:"created,omitempty"`
	Updated []string `json:"updated,omitempty"`
	Deleted []string `json:"deleted,omitempty"`
	Known   []string `json:"known,omitempty"`
}

// ReconcileSchedules creates new schedules, updates changed ones and deletes
// removed ones. It is idempotent, so a retry after a partial run is safe.
func (a *Activities) ReconcileSchedules(ctx context.Context, in ReconcileInput) (ReconcileResult, error) {
	if a.Schedules == nil {
		return ReconcileResult{}, errors.New("no Temporal schedule client configured")
	}
	var res ReconcileResult
	for _, d := range in.Desired {
		changed, created, err := a.upsertSchedule(ctx, in.WorkflowType, d)
		if err != nil {
			return ReconcileResult{}, fmt.Errorf("schedule %s: %w", d.ID, err)
		}
		switch {
		case created:
			res.Created = append(res.Created, d.ID)
		case changed:
			res.Updated = append(res.Updated, d.ID)
		}
		res.Known = append(res.Known, d.ID)
	}
	for _, id := range in.Known {
		if slices.Contains(res.Known, id) {
			continue
		}
		err := a.Schedules.GetHandle(ctx, id).Delete(ctx)
		var nf *serviceerror.NotFound
		if err != nil && !errors.As(err, &nf) {
			return ReconcileResult{}, fmt.Errorf("delete schedule %s: %w", id, err)
		}
		res.Deleted = append(res.Deleted, id)
	}
	return res, nil
}

// upsertSchedule creates the schedule, or updates it when its hash changed.
func (a *Activities) upsertSchedule(ctx context.Context, workflowType string, d DesiredSchedule) (changed, created bool, err error) {
	hash, err := specHash(d)
	if err != nil {
		return false, false, err
	}
	action := &client.ScheduleWorkflowAction{
		ID: d.ID + "-run", Workflow: workflowType, Args: []any{d.Run}, TaskQueue: a.TaskQueue,
		Memo: map[string]any{specHashKey: hash},
	}
	spec := client.ScheduleSpec{CronExpressions: []string{d.Run.Job.Schedule}}
	h := a.Schedules.GetHandle(ctx, d.ID)
	desc, err := h.Describe(ctx)
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		_, err = a.Schedules.Create(ctx, client.ScheduleOptions{
			ID: d.ID, Spec: spec, Action: action, Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP,
			CatchupWindow: catchupWindow, Memo: map[string]any{specHashKey: hash},
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
