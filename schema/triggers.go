package schema

import (
	"regexp"
	"strings"
)

// PhrasePattern is what a trigger phrase must look like: an @-mention of a
// GitHub login (letters, digits and single dashes, optionally "[bot]").
const PhrasePattern = `^@[A-Za-z0-9](?:-?[A-Za-z0-9])*(?:\[bot\])?$`

// TeamPattern is a team: "org/slug", or "slug" of the repository's owner.
const TeamPattern = `^(?:[A-Za-z0-9](?:-?[A-Za-z0-9])*/)?[A-Za-z0-9][A-Za-z0-9._-]*$`

// LoginPattern is a GitHub login, a bot's "name[bot]" included.
const LoginPattern = `^[A-Za-z0-9](?:-?[A-Za-z0-9])*(?:\[bot\])?$`

// Rules of the [triggers] section.
const (
	// RulePhrase: the phrase is not an @-mention.
	RulePhrase = `expected an @-mention such as "@code-agent"`
	// RuleLogin: an allowed user is not a GitHub login.
	RuleLogin = "expected a GitHub login"
	// RuleTeam: an allowed team is not "org/slug" or "slug".
	RuleTeam = `expected a team such as "acme/platform"`
)

var (
	phraseRE = regexp.MustCompile(PhrasePattern)
	loginRE  = regexp.MustCompile(LoginPattern)
	teamRE   = regexp.MustCompile(TeamPattern)
)

// Triggers is the `[triggers]` section: what starts the agent on an issue,
// and who may start it. A repository without a config file gets
// DefaultTriggers.
type Triggers struct {
	// Phrase is the mention that addresses the agent; "" means
	// "@<AGENT_GITHUB_USERNAME>".
	Phrase string `json:"phrase,omitempty" toml:"phrase,omitempty" jsonschema:"pattern=^@[A-Za-z0-9](?:-?[A-Za-z0-9])*(?:\\[bot\\])?$" jsonschema_description:"The mention that addresses the agent in a comment, such as @code-agent. Default: @ and the agent's GitHub login."`
	// Assign starts a task when the agent is assigned (default true).
	Assign bool `json:"assign" toml:"assign" jsonschema:"default=true" jsonschema_description:"Assigning the issue to the agent starts a task."`
	// Mention starts a task when a comment or a new issue mentions Phrase
	// (default true).
	Mention bool `json:"mention" toml:"mention" jsonschema:"default=true" jsonschema_description:"A comment (or a new issue) that mentions the phrase starts a task for the issue."`
	// Labels start a task when added to an issue; removing it stops it.
	Labels []string `json:"labels,omitempty" toml:"labels,omitempty" jsonschema:"pattern=[^ \\t\\r\\n]" jsonschema_description:"Adding one of these labels to an issue starts a task; removing it stops the task."`
	// AllowedUsers narrows who may start the agent to these logins (they
	// still need write access); empty means anyone with write access.
	AllowedUsers []string `json:"allowed_users,omitempty" toml:"allowed_users,omitempty" jsonschema:"pattern=^[A-Za-z0-9](?:-?[A-Za-z0-9])*(?:\\[bot\\])?$" jsonschema_description:"Only these GitHub logins may start the agent (they still need write access). Empty: anyone with write access. A bot listed here may start it."`
	// AllowedTeams narrows who may start the agent to members of these
	// teams ("org/slug", or "slug" of the repository's owner), as well as
	// AllowedUsers; membership is checked through the API and cached.
	AllowedTeams []string `json:"allowed_teams,omitempty" toml:"allowed_teams,omitempty" jsonschema:"pattern=^(?:[A-Za-z0-9](?:-?[A-Za-z0-9])*/)?[A-Za-z0-9][A-Za-z0-9._-]*$" jsonschema_description:"Only members of these teams (org/team-slug, or team-slug of the repository's owner) may start the agent, besides allowed_users; they still need write access. Needs the App's members:read permission."`
	// AllowBots lets bots with write access start the agent.
	AllowBots bool `json:"allow_bots" toml:"allow_bots" jsonschema:"default=false" jsonschema_description:"Let bots (logins ending in [bot]) with write access start the agent."`
}

// DefaultTriggers is the policy of a repository that does not configure
// one: assignment and mentions, by anyone with write access, no bots.
func DefaultTriggers() Triggers { return Triggers{Assign: true, Mention: true} }

// EffectivePhrase is Phrase, or "@"+agent when it is unset.
func (t Triggers) EffectivePhrase(agent string) string {
	if t.Phrase != "" {
		return t.Phrase
	}
	return "@" + agent
}

// HasLabel reports whether label is one of Labels (case-insensitive, as
// GitHub compares label names).
func (t Triggers) HasLabel(label string) bool {
	for _, l := range t.Labels {
		if strings.EqualFold(l, label) {
			return true
		}
	}
	return false
}

// Listed reports whether login is one of AllowedUsers.
func (t Triggers) Listed(login string) bool {
	for _, u := range t.AllowedUsers {
		if strings.EqualFold(u, login) {
			return true
		}
	}
	return false
}

// NeedsTeams reports whether login may start the agent only as a member
// of AllowedTeams (they are not listed in AllowedUsers).
func (t Triggers) NeedsTeams(login string) bool {
	return len(t.AllowedTeams) > 0 && !t.Listed(login)
}

// MayStart reports whether login may start the agent, given that they have
// write access and whether they are in one of AllowedTeams: allowed_users,
// allowed_teams and the bot rule. The reason is set when not.
func (t Triggers) MayStart(login string, inTeam bool) (bool, string) {
	listed := t.Listed(login)
	narrowed := len(t.AllowedUsers) > 0 || len(t.AllowedTeams) > 0
	switch {
	case narrowed && !listed && !inTeam && len(t.AllowedTeams) == 0:
		return false, "only the people listed in `allowed_users` of `.code-factory/config.toml` may start the agent here"
	case narrowed && !listed && !inTeam:
		return false, "only the people listed in `allowed_users` or the members of `allowed_teams` of `.code-factory/config.toml` may start the agent here"
	case strings.HasSuffix(strings.ToLower(login), "[bot]") && !t.AllowBots && !listed:
		return false, "bots may not start the agent here (set `allow_bots = true` or list the bot in `allowed_users`)"
	}
	return true, ""
}

func (d *decoder) triggers(t map[string]any, tr *Triggers) {
	d.unknown("triggers", t, "phrase", "assign", "mention", "labels", "allowed_users", "allowed_teams", "allow_bots")
	if v, ok := d.str("triggers.phrase", t, "phrase"); ok {
		if phraseRE.MatchString(v) {
			tr.Phrase = v
		} else {
			d.fail("triggers.phrase", RulePhrase)
		}
	}
	d.boolean("triggers.assign", t, "assign", &tr.Assign)
	d.boolean("triggers.mention", t, "mention", &tr.Mention)
	d.boolean("triggers.allow_bots", t, "allow_bots", &tr.AllowBots)
	tr.Labels = d.optionalStrings("triggers.labels", t, "labels", nil)
	tr.AllowedUsers = d.optionalStrings("triggers.allowed_users", t, "allowed_users", loginRE)
	tr.AllowedTeams = d.optionalStrings("triggers.allowed_teams", t, "allowed_teams", teamRE, RuleTeam)
}

// boolean sets *dst from m[key]; absent is not an error.
func (d *decoder) boolean(path string, m map[string]any, key string, dst *bool) {
	v, present := m[key]
	if !present {
		return
	}
	b, ok := v.(bool)
	if !ok {
		d.fail(path, RuleBoolean)
		return
	}
	*dst = b
}

// optionalStrings returns m[key] as a list of non-blank strings (each
// matching re when set); absent is an empty list.
// rule is the problem of an entry re rejects (RuleLogin when "").
func (d *decoder) optionalStrings(path string, m map[string]any, key string, re *regexp.Regexp, rule ...string) []string {
	v, present := m[key]
	if !present {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		d.fail(path, RuleStringArray)
		return nil
	}
	var out []string
	for i, item := range list {
		s, ok := item.(string)
		switch {
		case !ok:
			d.fail(indexPath(path, i), RuleString)
		case !d.re.nonBlank.MatchString(s):
			d.fail(indexPath(path, i), RuleNotEmpty)
		case re != nil && !re.MatchString(s):
			d.fail(indexPath(path, i), append(rule, RuleLogin)[0])
		default:
			out = append(out, s)
		}
	}
	return out
}
