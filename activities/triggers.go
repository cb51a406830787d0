package activities

import (
	"context"

	"github.com/code-factory/code-factory/schema"
)

// TriggerPolicy is a repository's `[triggers]` section. A repository
// without a config file gets schema.DefaultTriggers; so does one whose
// file is invalid (Invalid is then set: the task's planning explains it).
type TriggerPolicy struct {
	Triggers schema.Triggers `json:"triggers"`
	Invalid  bool            `json:"invalid,omitempty"`
}

// TriggerPolicy reads the trigger policy from the repository's config file
// on its default branch.
func (a *Activities) TriggerPolicy(ctx context.Context, issue IssueRef) (TriggerPolicy, error) {
	c, err := a.installation(issue.InstallationID)
	if err != nil {
		return TriggerPolicy{}, err
	}
	rc, err := readConfig(ctx, c, issue.Repo, "")
	switch {
	case err != nil:
		return TriggerPolicy{}, err
	case rc.Config == nil:
		return TriggerPolicy{Triggers: schema.DefaultTriggers(), Invalid: rc.Found}, nil
	}
	return TriggerPolicy{Triggers: rc.Config.Triggers}, nil
}
