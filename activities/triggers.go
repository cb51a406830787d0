package activities

import (
	"context"
	"strings"
	"sync"
	"time"

	ghapi "github.com/code-factory/code-factory/activities/github"
	"github.com/code-factory/code-factory/schema"
)

// TriggerPolicy is what a repository's config says of starting tasks: its
// `[triggers]`, `[review]` and `[limits]`. A repository without a config
// file gets the defaults; so does one whose file is invalid (Invalid is
// then set: the task's planning explains it).
type TriggerPolicy struct {
	Triggers schema.Triggers `json:"triggers"`
	// Review and Limits are absent in histories from before pull-request
	// tasks (their zero values: no reviews, no cap).
	Review  schema.Review `json:"review"`
	Limits  schema.Limits `json:"limits"`
	Invalid bool          `json:"invalid,omitempty"`
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
		return TriggerPolicy{Triggers: schema.DefaultTriggers(), Review: schema.DefaultReview(), Limits: schema.DefaultLimits(), Invalid: rc.Found}, nil
	}
	return TriggerPolicy{Triggers: rc.Config.Triggers, Review: rc.Config.Review, Limits: rc.Config.Limits}, nil
}

// ReviewCoversInput asks whether a pull request changes a file the review
// path filter covers.
type ReviewCoversInput struct {
	// PR is the pull request (its number in Number).
	PR    IssueRef `json:"pr"`
	Paths []string `json:"paths"`
}

// ReviewCovers lists the pull request's changed files and matches them
// against the `[review]` path filter.
func (a *Activities) ReviewCovers(ctx context.Context, in ReviewCoversInput) (bool, error) {
	if len(in.Paths) == 0 {
		return true, nil
	}
	c, err := a.installation(in.PR.InstallationID)
	if err != nil {
		return false, err
	}
	files, err := c.PullFiles(ctx, in.PR.Repo.Owner, in.PR.Repo.Name, in.PR.Number)
	if err != nil {
		return false, ghapi.Classify(err)
	}
	return schema.Review{Paths: in.Paths}.Covers(files), nil
}

// TeamMemberInput asks whether Login is in one of Teams ("org/slug", or
// "slug" of the repository's owner). TTL is how long an answer is reused
// (0: 10 minutes).
type TeamMemberInput struct {
	InstallationID int64         `json:"installation_id"`
	Repo           Repo          `json:"repo"`
	Login          string        `json:"login"`
	Teams          []string      `json:"teams"`
	TTL            time.Duration `json:"ttl,omitempty"`
}

// TeamMember reports whether the user is an active member of one of the
// teams, asking GitHub once per team and user within the TTL.
func (a *Activities) TeamMember(ctx context.Context, in TeamMemberInput) (bool, error) {
	c, err := a.installation(in.InstallationID)
	if err != nil {
		return false, err
	}
	ttl := in.TTL
	if ttl <= 0 {
		ttl = 10 * time.Minute
	}
	for _, team := range in.Teams {
		org, slug, ok := strings.Cut(team, "/")
		if !ok {
			org, slug = in.Repo.Owner, team
		}
		key := strings.ToLower(org + "/" + slug + "/" + in.Login)
		member, cached := a.teams.get(key, ttl)
		if !cached {
			if member, err = c.TeamMember(ctx, org, slug, in.Login); err != nil {
				return false, ghapi.Classify(err)
			}
			a.teams.put(key, member)
		}
		if member {
			return true, nil
		}
	}
	return false, nil
}

// teamCache remembers team memberships for a while: a trigger by the same
// person soon after asks GitHub nothing.
type teamCache struct {
	mu sync.Mutex
	m  map[string]teamAnswer
}

type teamAnswer struct {
	member bool
	at     time.Time
}

func (t *teamCache) get(key string, ttl time.Duration) (bool, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[key]
	if !ok || time.Since(e.at) > ttl {
		return false, false
	}
	return e.member, true
}

func (t *teamCache) put(key string, member bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil || len(t.m) > 10000 {
		t.m = map[string]teamAnswer{}
	}
	t.m[key] = teamAnswer{member: member, at: time.Now()}
}
