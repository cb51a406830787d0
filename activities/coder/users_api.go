package coder

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// UsersByGitHubID returns the Coder users linked to a GitHub user id
// (GET /api/v2/users?q=github_com_user_id:N answers {"users": [...],
// "count": N}; codersdk/users.go, the github_com_user_id search term of
// coderd/searchquery).
func (c *Client) UsersByGitHubID(ctx context.Context, id int64) ([]User, error) {
	var resp struct {
		Users []User `json:"users"`
	}
	q := url.Values{"q": {"github_com_user_id:" + strconv.FormatInt(id, 10)}}
	if err := c.do(ctx, http.MethodGet, "/api/v2/users", q, nil, &resp); err != nil {
		return nil, err
	}
	return resp.Users, nil
}

// Me returns the user the client's token belongs to (GET /api/v2/users/me,
// codersdk.Client.User with codersdk.Me).
func (c *Client) Me(ctx context.Context) (User, error) {
	var u User
	err := c.do(ctx, http.MethodGet, "/api/v2/users/me", nil, nil, &u)
	return u, err
}

// OrganizationByName returns an organization by name or id
// (GET /api/v2/organizations/{name}; codersdk.Client.OrganizationByName,
// codersdk/organizations.go, "accepts a name or uuid").
func (c *Client) OrganizationByName(ctx context.Context, name string) (Organization, error) {
	var o Organization
	err := c.do(ctx, http.MethodGet, "/api/v2/organizations/"+url.PathEscape(name), nil, nil, &o)
	return o, err
}

// TemplateByName returns a template of an organization (name or id).
func (c *Client) TemplateByName(ctx context.Context, org, name string) (Template, error) {
	var t Template
	err := c.do(ctx, http.MethodGet, "/api/v2/organizations/"+url.PathEscape(org)+"/templates/"+url.PathEscape(name), nil, nil, &t)
	return t, err
}

// Presets returns the presets of a template version (none when Coder
// answers null).
func (c *Client) Presets(ctx context.Context, versionID string) ([]Preset, error) {
	var ps []Preset
	err := c.do(ctx, http.MethodGet, "/api/v2/templateversions/"+url.PathEscape(versionID)+"/presets", nil, nil, &ps)
	return ps, err
}

// MintedToken is an API token created for a user. Key is a credential: it
// lives in worker memory only and is never logged, wrapped in an error or
// passed through Temporal.
type MintedToken struct {
	// Key is the session token, "{id}-{secret}".
	Key string
	// ID is the key's id, the part of Key before the first '-'.
	ID string
	// Expires is when Coder stops accepting the key.
	Expires time.Time
}

// CreateToken mints a token for user (a username or id) with the client's
// token, which must be allowed to (Owner or User Admin).
//
// POST /api/v2/users/{user}/keys/tokens with codersdk.CreateTokenRequest
// {"lifetime": <time.Duration, so nanoseconds>, "token_name": ...} answers
// 201 codersdk.GenerateAPIKeyResponse {"key": "..."} (codersdk/apikey.go).
// The key is "{id}-{secret}" with a 10-character id (coderd/apikey:
// fmt.Sprintf("%s-%s", keyID, keySecret)).
func (c *Client) CreateToken(ctx context.Context, user, name string, lifetime time.Duration) (MintedToken, error) {
	in := struct {
		Lifetime  time.Duration `json:"lifetime"`
		TokenName string        `json:"token_name"`
	}{lifetime, name}
	var out struct {
		Key string `json:"key"`
	}
	start := time.Now()
	if err := c.do(ctx, http.MethodPost, "/api/v2/users/"+url.PathEscape(user)+"/keys/tokens", nil, in, &out); err != nil {
		return MintedToken{}, err
	}
	id, _, ok := strings.Cut(out.Key, "-")
	if !ok || id == "" {
		return MintedToken{}, errors.New("coder: create token: the answer holds no key of the form {id}-{secret}")
	}
	return MintedToken{Key: out.Key, ID: id, Expires: start.Add(lifetime)}, nil
}

// ExpireToken expires a user's key by id, keeping its record for audit
// (PUT /api/v2/users/{user}/keys/{id}/expire answers 204;
// codersdk.Client.ExpireAPIKey, codersdk/apikey.go).
func (c *Client) ExpireToken(ctx context.Context, user, id string) error {
	return c.do(ctx, http.MethodPut, "/api/v2/users/"+url.PathEscape(user)+"/keys/"+url.PathEscape(id)+"/expire", nil, nil, nil)
}
