// Package schema defines the repository config file `.code-factory/config.toml`:
// its Go types, the parser and validator (Parse), the JSON Schema served to
// editors (JSONSchema, Handler), the `validate` subcommand (Validate) and the
// inputs handed to the Coder template (TemplateInputs).
//
// Problems found in a file never quote a value from it: a value may be a
// secret pasted by mistake, and problems end up in logs and GitHub comments.
package schema

// DefaultPath is where the config file lives in a repository.
const DefaultPath = ".code-factory/config.toml"

// DefaultVolumeSize is the size of a sandbox volume that does not set one.
const DefaultVolumeSize = "10Gi"

// SandboxSize is the instance size of a sandbox.
type SandboxSize string

// The sandbox sizes.
const (
	// SizeSmall is the smallest sandbox.
	SizeSmall SandboxSize = "small"
	// SizeMedium is the default sandbox.
	SizeMedium SandboxSize = "medium"
	// SizeLarge is the largest sandbox.
	SizeLarge SandboxSize = "large"
)

// SandboxSizes lists the accepted sandbox sizes in documentation order.
func SandboxSizes() []SandboxSize { return []SandboxSize{SizeSmall, SizeMedium, SizeLarge} }

// Valid reports whether s is one of SandboxSizes.
func (s SandboxSize) Valid() bool {
	return s == SizeSmall || s == SizeMedium || s == SizeLarge
}

// Provider is the coding-agent harness run inside the sandbox.
type Provider string

// The harness providers.
const (
	// ProviderClaudeCode runs Claude Code (the default).
	ProviderClaudeCode Provider = "claude_code"
	// ProviderCodex runs Codex.
	ProviderCodex Provider = "codex"
)

// Providers lists the accepted harness providers in documentation order.
func Providers() []Provider { return []Provider{ProviderClaudeCode, ProviderCodex} }

// Valid reports whether p is one of Providers.
func (p Provider) Valid() bool { return p == ProviderClaudeCode || p == ProviderCodex }

// Config is a parsed `.code-factory/config.toml` with defaults applied.
type Config struct {
	// Sandbox configures the workspace the agent runs in.
	Sandbox Sandbox `json:"sandbox" toml:"sandbox" jsonschema_description:"The sandbox (Coder workspace) the agent runs in."`
	// Harness selects the coding agent.
	Harness Harness `json:"harness" toml:"harness" jsonschema_description:"The coding-agent harness."`
	// ScheduledJobs are prompts run on a cron schedule.
	ScheduledJobs []ScheduledJob `json:"scheduled_jobs,omitempty" toml:"scheduled_jobs,omitempty" jsonschema_description:"Prompts run against a branch on a cron schedule."`
	// OnEvent holds hooks run when something happens on GitHub.
	OnEvent OnEvent `json:"on_event" toml:"on_event" jsonschema_description:"Tasks started when something happens on GitHub."`
	// Triggers says what starts the agent on an issue, and who may.
	Triggers Triggers `json:"triggers" toml:"triggers" jsonschema_description:"What starts the agent on an issue (assignment, a mention, a label), and who may start it."`
	// Review configures automatic reviews of pull requests.
	Review Review `json:"review" toml:"review" jsonschema_description:"Automatic reviews of new pull requests by a pull-request task."`
	// Limits caps what the repository runs at once.
	Limits Limits `json:"limits" toml:"limits" jsonschema_description:"Caps on what the repository runs at once."`
}

// Sandbox is the `[sandbox]` section.
type Sandbox struct {
	// Size is the instance size; "medium" when unset.
	Size SandboxSize `json:"size" toml:"size" jsonschema:"enum=small,enum=medium,enum=large,default=medium" jsonschema_description:"Instance size of the sandbox."`
	// Docker enables docker-in-docker; false when unset.
	Docker bool `json:"docker" toml:"docker" jsonschema:"default=false" jsonschema_description:"Enable docker-in-docker inside the sandbox."`
	// Volumes are extra persistent volumes.
	Volumes []Volume `json:"volumes,omitempty" toml:"volumes,omitempty" jsonschema_description:"Extra persistent volumes mounted in the sandbox."`
}

// Volume is one `[[sandbox.volumes]]` entry.
type Volume struct {
	// Path is the mount point inside the sandbox (required).
	Path string `json:"path" toml:"path" jsonschema:"required,pattern=[^ \\t\\r\\n]" jsonschema_description:"Mount point inside the sandbox."`
	// Size is the volume size, normalized to <n>Ki|Mi|Gi|Ti; "10Gi" when unset.
	Size string `json:"size" toml:"size" jsonschema:"default=10Gi,pattern=^[ \\t]*[0-9]+[ \\t]*[KkMmGgTt][BbIi]?[ \\t]*$" jsonschema_description:"Volume size such as 10Gi (K/M/G/T with an optional b or i suffix; case-insensitive); normalized to binary units."`
}

// Harness is the `[harness]` section.
type Harness struct {
	// Provider is the coding agent; "claude_code" when unset.
	Provider Provider `json:"provider" toml:"provider" jsonschema:"enum=claude_code,enum=codex,default=claude_code" jsonschema_description:"Which coding agent runs the task."`
}

// ScheduledJob is one `[[scheduled_jobs]]` entry. Every field is required.
type ScheduledJob struct {
	// Name identifies the job; unique within the file.
	Name string `json:"name" toml:"name" jsonschema:"required,pattern=[^ \\t\\r\\n]" jsonschema_description:"Name of the job; unique within the file."`
	// Branch is the branch the job works on.
	Branch string `json:"branch" toml:"branch" jsonschema:"required,pattern=[^ \\t\\r\\n]" jsonschema_description:"Branch the job runs against."`
	// Schedule is a 5-field cron expression, in Timezone.
	Schedule string `json:"schedule" toml:"schedule" jsonschema:"required,pattern=[^ \\t\\r\\n]" jsonschema_description:"Five-field cron expression: minute hour day-of-month month day-of-week."`
	// Timezone is the IANA time zone the schedule is read in ("" is UTC).
	Timezone string `json:"timezone,omitempty" toml:"timezone,omitempty" jsonschema:"pattern=^[A-Za-z][A-Za-z0-9_+\\-]*(/[A-Za-z0-9_+\\-]+)*$" jsonschema_description:"IANA time zone the schedule is read in, such as Europe/Berlin or America/New_York. Default UTC."`
	// Prompt is sent to the agent when the job fires.
	Prompt string `json:"prompt" toml:"prompt" jsonschema:"required,pattern=[^ \\t\\r\\n]" jsonschema_description:"Prompt given to the agent when the job fires."`
}

// OnEvent is the `[on_event]` section.
type OnEvent struct {
	// FailedRun hooks start a task when a GitHub Actions run fails.
	FailedRun []FailedRunHook `json:"failed_run,omitempty" toml:"failed_run,omitempty" jsonschema_description:"Start a task when a GitHub Actions workflow run fails."`
}

// FailedRunHook is one `[[on_event.failed_run]]` entry.
type FailedRunHook struct {
	// Workflows are workflow file names (ci.yml) or workflow names (CI).
	Workflows []string `json:"workflows" toml:"workflows" jsonschema:"required,minItems=1,pattern=[^ \\t\\r\\n]" jsonschema_description:"Workflow file names (ci.yml) or workflow names to watch."`
	// Branches are the branches whose failed runs trigger the hook (exact match).
	Branches []string `json:"branches" toml:"branches" jsonschema:"required,minItems=1,pattern=[^ \\t\\r\\n]" jsonschema_description:"Branches whose failed runs trigger the hook (exact match)."`
	// PromptAdditions is extra text appended to the task prompt.
	PromptAdditions string `json:"prompt_additions,omitempty" toml:"prompt_additions,omitempty" jsonschema_description:"Extra context added to the task prompt."`
}

// Default returns the configuration of a repository without a config file.
func Default() *Config {
	return &Config{
		Sandbox:  Sandbox{Size: SizeMedium},
		Harness:  Harness{Provider: ProviderClaudeCode},
		Triggers: DefaultTriggers(),
		Review:   DefaultReview(),
		Limits:   DefaultLimits(),
	}
}
