package fakegithub

import (
	"encoding/json"
	"hash/fnv"
	"strings"

	"github.com/code-factory/code-factory/internal/fixtures"
)

// templates are the raw JSON bodies answers are built from, one per name;
// each use unmarshals a fresh copy, so patches never leak between answers.
type templates map[string][]byte

// templateSource names where a template comes from in the shared fixtures:
// a file, and an optional selector ("issue", "repository", "jobs.0", "0").
type templateSource struct {
	file, selector string
}

func templateSources() map[string]templateSource {
	return map[string]templateSource{
		"app":        {"api/app.json", ""},
		"user":       {"api/app.json", "owner"},
		"token":      {"api/installation-access-token.json", ""},
		"permission": {"api/collaborator-permission.json", ""},
		"comment":    {"api/issue-comment.json", ""},
		"reaction":   {"api/reaction.json", ""},
		"pull":       {"api/pull-request.json", ""},
		"pullSimple": {"api/pull-requests-list.json", "0"},
		"job":        {"api/workflow-run-jobs.json", "jobs.0"},
		"content":    {"api/content-file.json", ""},
		"issue":      {"webhooks/issues/assigned.json", "issue"},
		"repo":       {"webhooks/issues/assigned.json", "repository"},
	}
}

// loadTemplates reads every template from the shared fixtures, falling back
// to the built-in body when the fixtures (or a file in them) are absent.
func loadTemplates() templates {
	t := templates{}
	for name, src := range templateSources() {
		if b, ok := fromFixture(src); ok {
			t[name] = b
			continue
		}
		t[name] = []byte(fallbackTemplate(name))
	}
	return t
}

func fromFixture(src templateSource) ([]byte, bool) {
	raw, err := fixtures.ReadFile(src.file)
	if err != nil {
		return nil, false
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, false
	}
	if src.selector != "" {
		for _, key := range strings.Split(src.selector, ".") {
			switch node := v.(type) {
			case map[string]any:
				v = node[key]
			case []any:
				if key != "0" || len(node) == 0 {
					return nil, false
				}
				v = node[0]
			default:
				return nil, false
			}
		}
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, false
	}
	return b, true
}

// get returns a fresh copy of a template.
func (t templates) get(name string) map[string]any {
	var m map[string]any
	if err := json.Unmarshal(t[name], &m); err != nil || m == nil {
		// Built-in templates are valid JSON objects, so this is unreachable.
		return map[string]any{}
	}
	return m
}

// slug is the App's slug from the app template.
func (t templates) slug() string {
	if s, ok := t.get("app")["slug"].(string); ok && s != "" {
		return s
	}
	return "octoapp"
}

// user builds a user object for login from the user template.
func (s *Server) user(login string) map[string]any {
	u := s.tmpl.get("user")
	old, _ := u["login"].(string)
	for k, v := range u {
		if str, ok := v.(string); ok && old != "" && strings.HasSuffix(k, "url") {
			u[k] = strings.ReplaceAll(str, old, login)
		}
	}
	u["login"] = login
	u["id"] = userID(login)
	if strings.HasSuffix(login, "[bot]") {
		u["type"] = "Bot"
	} else {
		u["type"] = "User"
	}
	return u
}

// userID is a stable positive id for a login.
func userID(login string) int64 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.ToLower(login))) // hash writes never fail
	return int64(h.Sum32()%100_000_000) + 1
}

// fallbackTemplate is the built-in body of a template, used when the shared
// fixtures are not beside the checkout (e.g. `code-factory dev` elsewhere).
func fallbackTemplate(name string) string {
	switch name {
	case "app":
		return `{"id":1,"slug":"octoapp","client_id":"Iv1.ab1112223334445c","node_id":"MDExOkludGVncmF0aW9uMQ==",
"owner":{"login":"octocat","id":1,"type":"User","url":"https://api.github.com/users/octocat","html_url":"https://github.com/octocat"},
"name":"Octocat App","description":"","external_url":"https://example.com","html_url":"https://github.com/apps/octoapp",
"created_at":"2017-07-08T16:18:44-04:00","updated_at":"2017-07-08T16:18:44-04:00",
"permissions":{"metadata":"read","contents":"read","issues":"write"},"events":["push","pull_request"]}`
	case "user":
		return `{"login":"octocat","id":1,"node_id":"MDQ6VXNlcjE=","url":"https://api.github.com/users/octocat",
"html_url":"https://github.com/octocat","type":"User","site_admin":false}`
	case "token":
		return `{"token":"ghs_placeholder","expires_at":"2016-07-11T22:14:10Z","permissions":{"issues":"write","contents":"read"},"repository_selection":"all"}`
	case "permission":
		return `{"permission":"admin","role_name":"admin","user":{"login":"octocat","id":1,"type":"User"}}`
	case "comment":
		return `{"id":1,"node_id":"MDEyOklzc3VlQ29tbWVudDE=","url":"","html_url":"","body":"Me too",
"user":{"login":"octocat","id":1,"type":"User"},"created_at":"2011-04-14T16:00:49Z","updated_at":"2011-04-14T16:00:49Z",
"issue_url":"","author_association":"COLLABORATOR"}`
	case "reaction":
		return `{"id":1,"node_id":"MDg6UmVhY3Rpb24x","user":{"login":"octocat","id":1,"type":"User"},"content":"heart","created_at":"2016-05-20T20:09:31Z"}`
	case "pull", "pullSimple":
		return `{"url":"","id":1,"node_id":"MDExOlB1bGxSZXF1ZXN0MQ==","html_url":"","issue_url":"","number":1,"state":"open",
"locked":false,"title":"Amazing new feature","user":{"login":"octocat","id":1,"type":"User"},"body":"",
"created_at":"2011-01-26T19:01:12Z","updated_at":"2011-01-26T19:01:12Z","closed_at":null,"merged_at":null,
"head":{"label":"octocat:new-topic","ref":"new-topic","sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e","user":{"login":"octocat","id":1,"type":"User"}},
"base":{"label":"octocat:master","ref":"master","sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e","user":{"login":"octocat","id":1,"type":"User"}},
"draft":false}`
	case "job":
		return `{"id":399444496,"run_id":29679449,"run_url":"","node_id":"MDEyOldvcmtmbG93IEpvYjM5OTQ0NDQ5Ng==",
"head_sha":"f83a356604ae3c5d03e1b46ef4d1ca77d64a90b0","url":"","html_url":"","status":"completed","conclusion":"success",
"started_at":"2020-01-20T17:42:40Z","completed_at":"2020-01-20T17:44:39Z","name":"build","steps":[],"labels":[],
"workflow_name":"CI","head_branch":"main"}`
	case "content":
		return `{"type":"file","encoding":"base64","size":0,"name":"","path":"","content":"","sha":"","url":"","git_url":"","html_url":"","download_url":"","_links":{}}`
	case "issue":
		return `{"url":"","repository_url":"","comments_url":"","html_url":"","id":1,"node_id":"MDU6SXNzdWUx","number":1,
"title":"","user":{"login":"octocat","id":1,"type":"User"},"labels":[],"state":"open","locked":false,"assignee":null,
"assignees":[],"comments":0,"created_at":"2019-05-15T15:20:18Z","updated_at":"2019-05-15T15:20:18Z","closed_at":null,
"author_association":"OWNER","body":""}`
	case "repo":
		return `{"id":1296269,"node_id":"MDEwOlJlcG9zaXRvcnkxMjk2MjY5","name":"Hello-World","full_name":"octocat/Hello-World",
"private":false,"owner":{"login":"octocat","id":1,"type":"User"},"html_url":"","url":"","default_branch":"main",
"created_at":"2011-01-26T19:01:12Z","updated_at":"2011-01-26T19:14:43Z","pushed_at":"2011-01-26T19:06:43Z"}`
	}
	return `{}`
}
