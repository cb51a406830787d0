package schema

import (
	"path"
	"slices"
	"strings"
)

// Review actions: the pull_request actions that may start an automatic review.
const (
	// ReviewOpened: a pull request was opened (drafts are skipped).
	ReviewOpened = "opened"
	// ReviewReady: a draft was marked ready for review.
	ReviewReady = "ready_for_review"
)

// DefaultReviewPrompt is what the review task is asked when the config sets no prompt.
const DefaultReviewPrompt = "Review this pull request. Report only problems."

// DefaultMaxConcurrentTasks is a repository's cap on concurrent tasks when
// its config sets none.
const DefaultMaxConcurrentTasks = 10

// Rules of the [review] and [limits] sections.
const (
	// RuleGlob: a path filter is not a valid glob.
	RuleGlob = `expected a glob such as "src/**"`
	// RuleReviewAction: an entry of review.on is not a review action.
	RuleReviewAction = `must be one of "opened", "ready_for_review"`
	// RuleCap: max_concurrent_tasks is out of range.
	RuleCap = "expected a whole number from 1 to 1000"
)

// Review is the `[review]` section: an automatic review of new pull
// requests by a pull-request task.
type Review struct {
	// Enabled switches automatic reviews on.
	Enabled bool `json:"enabled" toml:"enabled" jsonschema:"default=false" jsonschema_description:"Start a review task when a pull request opens or becomes ready for review."`
	// On are the pull_request actions that start a review.
	On []string `json:"on,omitempty" toml:"on,omitempty" jsonschema:"enum=opened,enum=ready_for_review" jsonschema_description:"The pull request actions that start a review. Default: opened and ready_for_review. Drafts are never reviewed."`
	// Paths filter the pull requests reviewed: at least one changed file
	// must match one glob ("**" matches any number of directories).
	Paths []string `json:"paths,omitempty" toml:"paths,omitempty" jsonschema:"pattern=[^ \\t\\r\\n]" jsonschema_description:"Review only pull requests that change a file matching one of these globs (** matches any number of directories). Empty: every pull request."`
	// SkipAuthors are pull request authors never reviewed.
	SkipAuthors []string `json:"skip_authors,omitempty" toml:"skip_authors,omitempty" jsonschema:"pattern=^[A-Za-z0-9](?:-?[A-Za-z0-9])*(?:\\[bot\\])?$" jsonschema_description:"Pull requests by these GitHub logins are never reviewed."`
	// Prompt is what the review task is asked.
	Prompt string `json:"prompt,omitempty" toml:"prompt,omitempty" jsonschema:"pattern=[^ \\t\\r\\n],default=Review this pull request. Report only problems." jsonschema_description:"What the review task is asked, with the pull request's URL."`
	// OnPush sends "new commits pushed: <compare URL>" to the running task
	// of a pull request on each push (default true).
	OnPush bool `json:"on_push" toml:"on_push" jsonschema:"default=true" jsonschema_description:"Tell the pull request's running task about each push (with the compare URL) instead of starting a second review."`
}

// Limits is the `[limits]` section.
type Limits struct {
	// MaxConcurrentTasks caps the repository's running tasks; a trigger
	// over the cap waits its turn.
	MaxConcurrentTasks int `json:"max_concurrent_tasks" toml:"max_concurrent_tasks" jsonschema:"minimum=1,maximum=1000,default=10" jsonschema_description:"At most this many tasks of the repository run at once; more wait in order, and their status comment says how many are ahead."`
}

// DefaultReview is the review policy of a repository that configures none:
// off, and when switched on, opened and ready_for_review with the default
// prompt and push notes.
func DefaultReview() Review {
	return Review{On: []string{ReviewOpened, ReviewReady}, Prompt: DefaultReviewPrompt, OnPush: true}
}

// DefaultLimits are the limits of a repository that configures none.
func DefaultLimits() Limits { return Limits{MaxConcurrentTasks: DefaultMaxConcurrentTasks} }

// Starts reports whether a pull_request action by author starts a review.
func (r Review) Starts(action, author string) bool {
	if !r.Enabled || !slices.Contains(r.On, action) {
		return false
	}
	for _, s := range r.SkipAuthors {
		if strings.EqualFold(s, author) {
			return false
		}
	}
	return true
}

// Covers reports whether a pull request changing files is in the path
// filter (true when there is none).
func (r Review) Covers(files []string) bool {
	if len(r.Paths) == 0 {
		return true
	}
	for _, f := range files {
		for _, g := range r.Paths {
			if MatchGlob(g, f) {
				return true
			}
		}
	}
	return false
}

// MatchGlob matches a slash-separated path against a glob: each segment
// as path.Match does, and "**" as any number of segments (none included).
// A pattern ending in "/" matches everything under that directory.
func MatchGlob(glob, name string) bool {
	if strings.HasSuffix(glob, "/") {
		glob += "*/**"
	}
	return matchSegments(strings.Split(glob, "/"), strings.Split(name, "/"))
}

func matchSegments(glob, name []string) bool {
	for len(glob) > 0 {
		if glob[0] == "**" {
			rest := glob[1:]
			for i := 0; i <= len(name); i++ {
				if matchSegments(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, err := path.Match(glob[0], name[0]); err != nil || !ok {
			return false
		}
		glob, name = glob[1:], name[1:]
	}
	return len(name) == 0
}

// validGlob reports whether every segment of glob is a valid path.Match pattern.
func validGlob(glob string) bool {
	for _, seg := range strings.Split(glob, "/") {
		if _, err := path.Match(seg, ""); err != nil {
			return false
		}
	}
	return true
}

func (d *decoder) review(t map[string]any, r *Review) {
	d.unknown("review", t, "enabled", "on", "paths", "skip_authors", "prompt", "on_push")
	d.boolean("review.enabled", t, "enabled", &r.Enabled)
	d.boolean("review.on_push", t, "on_push", &r.OnPush)
	if _, present := t["on"]; present {
		r.On = nil
		for i, v := range d.optionalStrings("review.on", t, "on", nil) {
			if v == ReviewOpened || v == ReviewReady {
				r.On = append(r.On, v)
			} else {
				d.fail(indexPath("review.on", i), RuleReviewAction)
			}
		}
	}
	for i, g := range d.optionalStrings("review.paths", t, "paths", nil) {
		if validGlob(g) {
			r.Paths = append(r.Paths, g)
		} else {
			d.fail(indexPath("review.paths", i), RuleGlob)
		}
	}
	r.SkipAuthors = d.optionalStrings("review.skip_authors", t, "skip_authors", loginRE)
	if v, ok := d.str("review.prompt", t, "prompt"); ok {
		if d.re.nonBlank.MatchString(v) {
			r.Prompt = v
		} else {
			d.fail("review.prompt", RuleNotEmpty)
		}
	}
}

func (d *decoder) limits(t map[string]any, l *Limits) {
	d.unknown("limits", t, "max_concurrent_tasks")
	v, present := t["max_concurrent_tasks"]
	if !present {
		return
	}
	n, ok := v.(int64)
	if !ok || n < 1 || n > 1000 {
		d.fail("limits.max_concurrent_tasks", RuleCap)
		return
	}
	l.MaxConcurrentTasks = int(n)
}
