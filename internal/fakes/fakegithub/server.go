// Package fakegithub is an in-memory GitHub REST + GraphQL server on a real
// loopback listener. Tests use it to exercise the GitHub client over real
// HTTP, and `code-factory dev` uses it as a GitHub simulator. Response bodies
// are seeded from the shared fixtures (see internal/fixtures) when they are
// present, and from small built-in bodies of the same shape otherwise.
//
// Every method is safe for concurrent use.
package fakegithub

import (
	"bytes"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxRequestBody caps how much of a request body the fake reads and records.
const maxRequestBody = 32 << 20

// docsURL is the documentation_url GitHub puts in error bodies.
const docsURL = "https://docs.github.com/rest"

// Options configure a Server.
type Options struct {
	// AppID is the id of the fake App; /app reports it and the App JWT's
	// "iss" claim must equal it when PublicKey is set.
	AppID int64
	// PublicKey verifies the App JWT (RS256) on /app and the token
	// endpoint. nil accepts any JWT-shaped bearer token.
	PublicKey *rsa.PublicKey
	// Logger receives one debug line per request; nil discards.
	Logger *slog.Logger
	// WebURL is the web root of every html_url, ending in "/";
	// "" is "https://github.com/". A GitHub Enterprise test sets its host.
	WebURL string
	// NoRequestLog keeps no copy of each request (Requests sees none), so a
	// long load run does not grow without bound.
	NoRequestLog bool
}

// Server is the fake GitHub. Create it with New and stop it with Close.
type Server struct {
	opts     Options
	log      *slog.Logger
	mux      *http.ServeMux
	tmpl     templates
	gql      graphqlPatterns
	listener net.Listener
	httpSrv  *http.Server
	base     string // "http://127.0.0.1:port/"

	mu    sync.Mutex
	st    state
	hooks deliveries
	done  chan struct{}
	close sync.Once
}

// New starts a fake GitHub on a loopback port. It panics if no port can be
// bound, like httptest.NewServer.
func New(opts Options) *Server {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{
		opts: opts,
		log:  log,
		mux:  http.NewServeMux(),
		tmpl: loadTemplates(),
		gql:  newGraphQLPatterns(),
		st:   newState(),
		done: make(chan struct{}),
	}
	if s.opts.WebURL == "" {
		s.opts.WebURL = "https://github.com/"
	}
	s.hooks.client = &http.Client{Timeout: 30 * time.Second}
	s.routes()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("fakegithub: listen on loopback: %v", err))
	}
	s.listener = ln
	s.base = "http://" + ln.Addr().String() + "/"
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("fakegithub: serve", "err", err)
		}
	}()
	return s
}

// URL is the REST API base with a trailing slash, e.g. "http://127.0.0.1:1234/".
func (s *Server) URL() string { return s.base }

// GraphQLURL is the GraphQL endpoint, URL() + "graphql".
func (s *Server) GraphQLURL() string { return s.base + "graphql" }

// Handler serves the fake's routes (the Server itself); links and redirects
// in its answers still point at URL().
func (s *Server) Handler() http.Handler { return s }

// Close stops the listener and waits for the serve loop to end.
func (s *Server) Close() {
	s.close.Do(func() {
		if err := s.httpSrv.Close(); err != nil {
			s.log.Error("fakegithub: close", "err", err)
		}
		<-s.done
	})
}

// BotLogin is the fake App's bot user, "<slug>[bot]"; comments, reactions and
// statuses made with an installation token are by this user.
func (s *Server) BotLogin() string { return s.tmpl.slug() + "[bot]" }

// ServeHTTP records the request, applies injected failures, then routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	if err != nil {
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := Request{
		Method:     r.Method,
		Path:       r.URL.Path,
		Query:      r.URL.RawQuery,
		Body:       body,
		Auth:       authKind(r.Header.Get("Authorization")),
		APIVersion: r.Header.Get("X-GitHub-Api-Version"),
		At:         time.Now(),
	}
	s.log.Debug("fakegithub request", "method", rec.Method, "path", rec.Path, "auth", rec.Auth)

	s.mu.Lock()
	if !s.opts.NoRequestLog {
		s.st.requests = append(s.st.requests, rec)
	}
	fail := s.st.takeFailure(r.Method, r.URL.Path)
	s.mu.Unlock()

	if fail != nil {
		fail.write(w)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// authMode says what credential a route needs.
type authMode int

const (
	authNone authMode = iota
	authApp
	authInstallation
)

// reply is what a handler answers; it is built under the lock and written after.
type reply struct {
	status int
	header http.Header
	body   any
	// serve, when set, writes the whole response instead.
	serve http.HandlerFunc
}

func (rep reply) write(w http.ResponseWriter, r *http.Request) {
	if rep.serve != nil {
		rep.serve(w, r)
		return
	}
	for k, vs := range rep.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if rep.body == nil {
		w.WriteHeader(rep.status)
		return
	}
	b, err := json.Marshal(rep.body)
	if err != nil {
		http.Error(w, "encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(rep.status)
	if _, err := w.Write(b); err != nil {
		return // the client went away; nothing to tell it
	}
}

func jsonReply(status int, body any) reply { return reply{status: status, body: body} }

func errorReply(status int, msg string) reply {
	return jsonReply(status, map[string]any{"message": msg, "documentation_url": docsURL, "status": fmt.Sprint(status)})
}

func notFound() reply { return errorReply(http.StatusNotFound, "Not Found") }

func validationFailed(msg string) reply {
	return jsonReply(http.StatusUnprocessableEntity, map[string]any{
		"message":           "Validation Failed",
		"errors":            []any{map[string]any{"message": msg, "code": "custom"}},
		"documentation_url": docsURL,
		"status":            "422",
	})
}

// handle registers a route that checks auth and runs h under the lock.
func (s *Server) handle(pattern string, mode authMode, h func(r *http.Request) reply) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		var rep reply
		if denied, ok := s.authorize(mode, r); !ok {
			rep = denied
		} else {
			s.mu.Lock()
			rep = h(r)
			s.mu.Unlock()
		}
		rep.write(w, r)
	})
}

func (s *Server) routes() {
	s.handle("GET /app", authApp, s.getApp)
	s.handle("POST /app/installations/{id}/access_tokens", authApp, s.createToken)
	s.handle("GET /app/hook/deliveries", authApp, s.listDeliveries)
	s.handle("POST /app/hook/deliveries/{id}/attempts", authApp, s.redeliver)

	s.handle("GET /repos/{owner}/{repo}", authInstallation, s.getRepo)
	s.handle("GET /repos/{owner}/{repo}/issues/{n}", authInstallation, s.getIssue)
	s.handle("GET /repos/{owner}/{repo}/collaborators/{login}/permission", authInstallation, s.getPermission)
	// One pattern for ".../issues/{n}/comments" and ".../issues/comments/{id}":
	// as two, net/http's mux finds them ambiguous.
	s.handle("GET /repos/{owner}/{repo}/issues/{n}/{sub}", authInstallation, s.issueSubresource)
	s.handle("POST /repos/{owner}/{repo}/issues/{n}/comments", authInstallation, s.createComment)
	s.handle("PATCH /repos/{owner}/{repo}/issues/comments/{id}", authInstallation, s.updateComment)
	s.handle("GET /repos/{owner}/{repo}/pulls/comments/{id}", authInstallation, s.getReviewComment)
	s.handle("GET /repos/{owner}/{repo}/pulls/{n}/reviews/{id}", authInstallation, s.getReview)
	s.handle("POST /repos/{owner}/{repo}/issues/comments/{id}/reactions", authInstallation, s.reactIssue)
	s.handle("POST /repos/{owner}/{repo}/pulls/comments/{id}/reactions", authInstallation, s.reactReview)
	s.handle("GET /repos/{owner}/{repo}/pulls/{n}", authInstallation, s.getPull)
	// ".../pulls/{n}/files" as one pattern with a sub-resource: beside
	// ".../pulls/comments/{id}", net/http's mux finds it ambiguous.
	s.handle("GET /repos/{owner}/{repo}/pulls/{n}/{sub}", authInstallation, s.pullSubresource)
	s.handle("GET /orgs/{org}/teams/{slug}/memberships/{user}", authInstallation, s.getTeamMembership)
	s.handle("GET /repos/{owner}/{repo}/pulls", authInstallation, s.listPulls)
	s.handle("GET /repos/{owner}/{repo}/actions/runs/{id}/jobs", authInstallation, s.listJobs)
	s.handle("GET /repos/{owner}/{repo}/actions/jobs/{id}/logs", authInstallation, s.jobLogs)
	s.handle("GET /repos/{owner}/{repo}/contents/{path...}", authInstallation, s.getContents)
	s.handle("POST /repos/{owner}/{repo}/statuses/{sha}", authInstallation, s.createStatus)
	s.handle("GET /repos/{owner}/{repo}/compare/{basehead...}", authInstallation, s.compare)
	s.handle("POST /graphql", authInstallation, s.graphql)

	s.handle("GET /_storage/jobs/{id}/logs", authNone, s.storageLogs)

	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { notFound().write(w, r) })
}

// apiURL is an absolute API URL for a path written without a leading slash.
func (s *Server) apiURL(path string) string { return s.base + strings.TrimPrefix(path, "/") }

// decodeBody reads a JSON request body into v, answering 400 on failure.
func decodeBody(r *http.Request, v any) (reply, bool) {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return errorReply(http.StatusBadRequest, "Problems parsing JSON"), false
	}
	return reply{}, true
}
