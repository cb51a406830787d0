// Package fakeworld wires a fake GitHub and a fake Coder to real activity
// clients, so workflow tests and end-to-end tests exercise the real HTTP
// clients against the wire formats, not stubbed interfaces.
package fakeworld

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"log/slog"
	"time"

	"github.com/code-factory/code-factory/activities"
	"github.com/code-factory/code-factory/activities/coder"
	ghapi "github.com/code-factory/code-factory/activities/github"
	"github.com/code-factory/code-factory/internal/fakes/fakecoder"
	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
)

// Defaults of a world.
const (
	// AppID is the fake App's id.
	AppID = 42
	// CoderToken is the fake Coder's session token.
	CoderToken = "fake-coder-token"
	// Organization is the Coder organization.
	Organization = "default"
	// Template is the default task template; ConfigTemplate the template of
	// repositories with a config file.
	Template       = "task-template"
	ConfigTemplate = "code-factory"
)

// World is a fake GitHub and a fake Coder.
type World struct {
	// GitHub and Coder are the fakes; tests script and inspect them.
	GitHub *fakegithub.Server
	Coder  *fakecoder.Server
	// KeyPEM is the App's private key (PKCS#1 PEM).
	KeyPEM []byte

	opts Options
}

// Options configure the fakes.
type Options struct {
	// Coder options (Token is always CoderToken).
	Coder fakecoder.Options
	// ChatIdentity is whose account chats run as (default the assigner).
	ChatIdentity coder.Identity
	// Logger for both fakes; nil discards.
	Logger *slog.Logger
	// GitHubWebURL is the fake GitHub's web root (html_url links) and the
	// activities' GitHubWebURL; "" is "https://github.com/".
	GitHubWebURL string
	// NoRequestLog: neither fake keeps a copy of each request (load runs).
	NoRequestLog bool
}

// New starts both fakes with a fresh App key and the default Coder seed.
func New(opts Options) (*World, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	opts.Coder.Token = CoderToken
	opts.Coder.NoRequestLog = opts.Coder.NoRequestLog || opts.NoRequestLog
	if opts.Coder.Logger == nil {
		opts.Coder.Logger = opts.Logger
	}
	cs, err := fakecoder.Listen(opts.Coder)
	if err != nil {
		return nil, err
	}
	cs.SeedDefault()
	if opts.GitHubWebURL == "" {
		opts.GitHubWebURL = "https://github.com/"
	}
	gh := fakegithub.New(fakegithub.Options{AppID: AppID, PublicKey: &key.PublicKey, Logger: opts.Logger, WebURL: opts.GitHubWebURL, NoRequestLog: opts.NoRequestLog})
	return &World{
		opts:   opts,
		GitHub: gh,
		Coder:  cs,
		KeyPEM: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
	}, nil
}

// Close stops both fakes.
func (w *World) Close() {
	w.GitHub.Close()
	w.Coder.Close()
}

// FastTiming polls quickly so tests run fast; the ready timeout still
// leaves room for a scripted busy task.
func FastTiming() activities.Timing {
	return activities.Timing{PollInterval: 5 * time.Millisecond, NullStateGrace: 100 * time.Millisecond, ErrorGrace: 200 * time.Millisecond, ReadyTimeout: 20 * time.Second}
}

// GitHubFactory returns a real GitHub client factory pointed at the fake.
func (w *World) GitHubFactory() (*ghapi.Factory, error) {
	return ghapi.NewFactory(ghapi.FactoryConfig{AppID: AppID, PrivateKey: w.KeyPEM, APIURL: w.GitHub.URL(), GraphQLURL: w.GitHub.GraphQLURL()})
}

// Activities returns real activities whose clients talk to the fakes. The
// Coder backend is chosen as in production (CODER_BACKEND=auto): chats
// where the fake serves them, else tasks.
func (w *World) Activities(timing activities.Timing, logger *slog.Logger) (*activities.Activities, error) {
	gh, err := w.GitHubFactory()
	if err != nil {
		return nil, err
	}
	backends, err := w.Backends(logger)
	if err != nil {
		return nil, err
	}
	acts := activities.New(backends, gh, timing, logger)
	acts.ConfigTemplateName = ConfigTemplate
	acts.GitHubWebURL = w.opts.GitHubWebURL
	return acts, nil
}

// Backends returns both Coder backends over the fake, the chosen one first
// (see Activities).
func (w *World) Backends(logger *slog.Logger) (*coder.Backends, error) {
	cc := coder.NewClient(w.Coder.URL(), CoderToken, nil)
	tasks := coder.NewTasksBackend(cc, coder.TasksConfig{Organization: Organization, TemplateName: Template, PublicURL: w.Coder.URL()})
	chats := coder.NewChatsBackend(cc, coder.ChatsConfig{Organization: Organization, PublicURL: w.Coder.URL(), Identity: w.opts.ChatIdentity, Logger: logger})
	choice, err := coder.Choose(context.Background(), cc, coder.BackendAuto)
	if err != nil {
		return nil, err
	}
	if choice.Kind == coder.KindChat {
		return coder.NewBackends(chats, tasks), nil
	}
	return coder.NewBackends(tasks, chats), nil
}
