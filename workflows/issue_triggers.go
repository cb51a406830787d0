package workflows

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/activities/coder"
	"github.com/code-factory/code-factory/schema"
)

// changeTriggers marks runs that start on a mention or a label as well as
// an assignment, under the repository's [triggers] policy, and answer
// commands ("@agent stop"); see docs/versioning.md.
const changeTriggers = "triggers-1"

// admission is what the trigger policy says of a starting event.
type admission struct {
	policy schema.Triggers
	// review and limits are the repository's [review] and [limits].
	review schema.Review
	limits schema.Limits
	// ok is false when the event does not start a task here (the run ends
	// without a word: nobody asked this repository's agent for anything).
	ok bool
	// request is the asking comment, rendered for the first message, or
	// the review prompt.
	request string
}

// admit reads the repository's trigger policy and matches ev against it.
func (w *issueWorkflow) admit(ctx workflow.Context, ev IssueEvent) (admission, error) {
	var p activities.TriggerPolicy
	if err := w.read(ctx, a.TriggerPolicy, w.issueRef(), &p); err != nil {
		return admission{}, err
	}
	ad := admission{policy: p.Triggers, review: p.Review, limits: p.Limits}
	phrase := p.Triggers.EffectivePhrase(w.in.Settings.AgentLogin)
	switch ev.Kind {
	case KindAssigned, KindReopened:
		ad.ok = (p.Triggers.Assign || p.Invalid) && !w.in.PR
	case KindIssueComment, KindOpened, KindPRComment, KindReviewComment, KindReview:
		if ev.Comment == nil || !p.Triggers.Mention {
			return ad, nil
		}
		addressed, cmd := Addressed(ev.Comment.Body, phrase)
		// "stop" and "status" with no task ask nothing of the agent.
		ad.ok = addressed && cmd != CommandStop && cmd != CommandStatus
		if ad.ok {
			kind := ev.Kind
			if kind == KindOpened {
				kind = KindIssueComment
			}
			ad.request = FormatComment(kind, *ev.Comment)
		}
	case KindLabeled:
		ad.ok = p.Triggers.HasLabel(ev.Label) && !w.in.PR
	case KindPROpened:
		if !w.in.PR || ev.Pull == nil || !p.Review.Starts(ev.Pull.Action, ev.Pull.Author.Login) {
			return ad, nil
		}
		if len(p.Review.Paths) > 0 {
			in := activities.ReviewCoversInput{PR: w.issueRef(), Paths: p.Review.Paths}
			if err := w.read(ctx, a.ReviewCovers, in, &ad.ok); err != nil {
				return ad, err
			}
		} else {
			ad.ok = true
		}
		ad.request = p.Review.Prompt
	case KindRetry:
		ad.ok = true
	}
	return ad, nil
}

// refusal is why sender may not start the agent here ("" when they may),
// given their repository permission and whether they are in one of the
// policy's allowed teams.
func refusal(policy schema.Triggers, sender, perm string, inTeam bool) string {
	if !mayWrite(perm) {
		return "only people with write, maintain or admin access to this repository may start the agent"
	}
	_, why := policy.MayStart(sender, inTeam)
	return why
}

// triggerPermission is sender's repository permission for starting the
// agent. A bot listed in allowed_users counts as a writer without asking
// GitHub: an App's bot is no collaborator (the permission API answers 404),
// and a maintainer listing it by login in the default branch's config is
// the permission.
func (w *issueWorkflow) triggerPermission(ctx workflow.Context, policy schema.Triggers, sender string) (string, error) {
	if strings.HasSuffix(strings.ToLower(sender), "[bot]") && policy.Listed(sender) {
		w.logger.Info("a bot listed in allowed_users starts the agent", "sender", sender)
		return "write", nil
	}
	return w.permission(ctx, sender)
}

// inTeam reports whether sender is in one of the policy's allowed teams,
// when that decides (false when it does not: no teams, or a listed user).
func (w *issueWorkflow) inTeam(ctx workflow.Context, policy schema.Triggers, sender string) (bool, error) {
	if !policy.NeedsTeams(sender) {
		return false, nil
	}
	var member bool
	in := activities.TeamMemberInput{InstallationID: w.in.InstallationID, Repo: w.in.Repo, Login: sender, Teams: policy.AllowedTeams, TTL: w.in.Settings.PermissionTTL}
	err := w.read(ctx, a.TeamMember, in, &member)
	return member, err
}

// statusRefused is the one explanation of a refused trigger. It names the
// person without @-mentioning them.
func statusRefused(login, why string) string {
	return fmt.Sprintf("A request by `%s` to start the agent was not accepted: %s. Ask a maintainer to start it.", login, why)
}

// statusStopped follows "@agent stop".
func statusStopped(login string) string {
	return fmt.Sprintf("Task stopped by `%s`. Mention the agent or re-assign it to start again.", login)
}

// statusAnswer answers "@agent status".
func statusAnswer(login string, phase Phase, task *coder.Ref, delivered, waiting int) string {
	link := "no task"
	if task != nil {
		link = task.URL
	}
	return fmt.Sprintf("Status (asked by `%s`): %s. Task: %s. Inputs delivered: %d, waiting: %d.", login, phase, link, delivered, waiting)
}

// command returns the command in a comment addressed to the agent ("" for
// none), in runs that answer commands.
func (w *issueWorkflow) command(ev IssueEvent) string {
	if w.carry.Phrase == "" || ev.Comment == nil || ev.Comment.Elided {
		return ""
	}
	if ev.Kind != KindIssueComment && !(w.in.PR && ev.Kind.IsComment()) {
		return ""
	}
	_, cmd := Addressed(ev.Comment.Body, w.carry.Phrase)
	return cmd
}

// runCommand carries out a writer's command. A command by someone without
// write access is not carried out, and noted like their comments are.
func (w *issueWorkflow) runCommand(ctx workflow.Context, ev IssueEvent, cmd string) error {
	login := ev.Comment.Author.Login
	perm, err := w.permission(ctx, login)
	if err != nil || !mayWrite(perm) {
		w.logger.Info("command by a user without write access not carried out", "author", login, "command", cmd, "error", err)
		w.noteOutsider(ctx, login)
		return nil
	}
	w.logger.Info("command", "author", login, "command", cmd)
	switch cmd {
	case CommandStatus:
		return w.setStatus(ctx, statusAnswer(login, w.phase, w.carry.Task, w.carry.Delivered, len(w.carry.Pending)))
	case CommandStop:
		stop := ev
		stop.Kind = KindStopped
		w.end = &stop
	case CommandRetry:
		if w.carry.Task != nil {
			if err := workflow.ExecuteActivity(coderCtx(ctx), a.DeleteTask, *w.carry.Task).Get(ctx, nil); err != nil {
				return err
			}
			w.carry.Task = nil
		}
		retry := ev
		retry.Kind = KindRetry
		retry.Sender = ev.Comment.Author
		retry.Comment = nil
		// Ending first makes events drained from here on queue behind the
		// retry, for the fresh run.
		w.end = &retry
		w.afterEnd = append([]IssueEvent{retry}, w.carry.Pending...)
		w.carry.Pending = nil
		return w.restartIfAsked(ctx)
	}
	return nil
}

// endsHere reports whether an ending event ends this run: removing a label
// ends only the run that label started.
func (w *issueWorkflow) endsHere(ev IssueEvent) bool {
	if ev.Kind == KindUnlabeled {
		return w.carry.TriggerLabel != "" && strings.EqualFold(w.carry.TriggerLabel, ev.Label)
	}
	return ev.Kind.Ends()
}

// statusEnded is the status after the run ended for ev (the texts of
// closing and unassigning are those of runs from before changeTriggers).
func statusEnded(ev IssueEvent) string {
	switch ev.Kind {
	case KindUnassigned:
		return statusUnassigned()
	case KindUnlabeled:
		return fmt.Sprintf("Task cancelled: the label `%s` was removed.", ev.Label)
	case KindStopped:
		return statusStopped(ev.Comment.Author.Login)
	case KindClosed:
		if ev.Pull != nil {
			return "Task ended: the pull request was closed."
		}
	}
	return statusCompleted()
}

// pushed tells a pull request's running task about new commits, when the
// repository's [review] on_push asks for it (the default).
func (w *issueWorkflow) pushed(ctx workflow.Context, ev IssueEvent) error {
	if !w.carry.PushNotes || ev.Pull == nil || ev.Pull.CompareURL == "" {
		w.logger.Info("push not sent to the task", "delivery", ev.DeliveryID, "on_push", w.carry.PushNotes)
		return nil
	}
	return w.deliver(ctx, func(wctx workflow.Context) error {
		args := activities.DeliverInputArgs{Task: *w.carry.Task, Input: "new commits pushed: " + ev.Pull.CompareURL}
		return workflow.ExecuteActivity(w.deliverCtx(wctx), a.DeliverInput, args).Get(wctx, nil)
	})
}
