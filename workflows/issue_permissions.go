package workflows

import (
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/code-factory/code-factory/activities"
)

// permission returns a user's repository permission, cached per author
// for Settings.PermissionTTL of workflow time (for good in runs recorded
// before changeEdgeCases).
func (w *issueWorkflow) permission(ctx workflow.Context, login string) (string, error) {
	key := strings.ToLower(login)
	if p, ok := w.carry.Permissions[key]; ok && (!w.current || workflow.Now(ctx).Sub(w.carry.PermissionsAt[key]) < w.permissionTTL()) {
		return p, nil
	}
	var check activities.AuthorCheck
	in := activities.AuthorInput{InstallationID: w.in.InstallationID, Repo: w.in.Repo, Login: login}
	if err := w.read(ctx, a.CheckAuthor, in, &check); err != nil {
		return "", err
	}
	p := check.Permission
	if check.Bot {
		p = "bot"
	}
	w.carry.Permissions[key] = p
	if w.current {
		if w.carry.PermissionsAt == nil {
			w.carry.PermissionsAt = map[string]time.Time{}
		}
		w.carry.PermissionsAt[key] = workflow.Now(ctx)
	}
	return p, nil
}

// defaultPermissionTTL is PERMISSION_CACHE_TTL's default.
const defaultPermissionTTL = 10 * time.Minute

func (w *issueWorkflow) permissionTTL() time.Duration {
	if d := w.in.Settings.PermissionTTL; d > 0 {
		return d
	}
	return defaultPermissionTTL
}

// mayWrite reports whether a permission may steer the agent.
func mayWrite(p string) bool { return p == "admin" || p == "maintain" || p == "write" }
