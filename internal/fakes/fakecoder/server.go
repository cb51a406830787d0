// Package fakecoder is an in-memory Coder deployment that speaks Coder's
// REST wire format (users, organizations, tokens, templates, presets,
// workspaces, tasks and Coder Agents chats) on a real loopback listener.
// Tests use it to drive the Coder client over HTTP, and `code-factory dev`
// mounts it as a simulator, so nothing here depends on the testing
// package. Options.API picks the shape of the deployment: an ESR with Tasks
// only, a current release with Chats only (/api/v2/tasks answers 404), or
// one serving both.
package fakecoder

import (
	"bytes"
	"context"
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

// tokenHeader is the header Coder reads the session token from.
const tokenHeader = "Coder-Session-Token"

// maxBody caps request bodies the fake reads.
const maxBody = 1 << 20

// API is which agent APIs a fake deployment serves.
type API string

// The API modes.
const (
	// APIBoth serves Tasks and Chats, like v2.37 (the zero value).
	APIBoth API = ""
	// APITasks serves Tasks only, like the v2.34 ESR.
	APITasks API = "tasks"
	// APIChats serves Chats only, like v2.38: /api/v2/tasks is gone.
	APIChats API = "chats"
)

// Options configures a fake Coder.
type Options struct {
	// Token is the admin (Owner) session token. Tokens minted through the
	// API are accepted too, as their users. Empty accepts any non-empty
	// token as the admin; a request without the Coder-Session-Token
	// header is always 401.
	Token string
	// AdminUsername is the admin token's user; default "admin".
	AdminUsername string
	// API is which agent APIs are served (default both).
	API API
	// ChatsExperimental serves chats only under /api/experimental/chats,
	// like releases before the Chats API was promoted to /api/v2.
	ChatsExperimental bool
	// NoChatCost makes /chats/{id}/cost a missing route, like releases
	// before chat costs were reported.
	NoChatCost bool
	// DiffPolls is how many GETs of a chat pass before Coder reports the
	// pull request the agent opened (diff_status); 0 means never unless
	// scripted with SetChatPullRequest.
	DiffPolls int
	// PullRequestBase prefixes the pull request URLs of DiffPolls;
	// default "https://github.com/".
	PullRequestBase string
	// OldServer serves tasks only under /api/experimental/tasks, like Coder
	// releases from before the tasks API was promoted to /api/v2/tasks.
	// Otherwise both prefixes are served.
	OldServer bool
	// StartupPolls is how many GETs of a new (or resumed) task answer
	// "initializing" before it turns active/idle. 0 means 1; negative means
	// the task is active/idle at once.
	StartupPolls int
	// WorkPolls is how many GETs of a task answer "working" after a
	// successful send before it turns idle again. 0 means 1; negative means
	// the task is idle again at once.
	WorkPolls int
	// Addr is the listen address; empty means 127.0.0.1 on a free port.
	Addr string
	// NoRequestLog keeps no copy of each request (Requests and Count then
	// see none), so a long load run does not grow without bound.
	NoRequestLog bool
	// Logger receives one debug line per request; nil discards.
	Logger *slog.Logger
}

// Server is a fake Coder. All methods are safe for concurrent use.
type Server struct {
	opts    Options
	log     *slog.Logger
	handler http.Handler

	srv *http.Server
	ln  net.Listener
	url string

	mu         sync.Mutex
	orgs       map[string]string // organization name → id
	users      []User
	templates  []templateRec
	presets    map[string][]Preset // template version id → presets (nil → null)
	tasks      []*taskRec          // in creation order
	chats      []*chatRec          // in creation order
	workspaces []*workspaceRec     // workspaces made through the API
	minted     []*mintedRec        // tokens minted through the API
	requests   []Request
	sent       map[string][]Message // task or chat id → accepted inputs
	ends       map[string]int       // task or chat id → deletes or archives
	endedAt    map[string]time.Time // task or chat id → when it first ended
	created    []CreateRecord
	createHold chan struct{} // set by HoldCreates
	stalls     []*Stall      // set by StallRequests
	outages    []*Outage     // set by FailWhile
}

type templateRec struct {
	org string
	Template
}

// New starts a fake Coder on a loopback listener. It panics if it cannot
// listen, like httptest.NewServer; use Listen to get the error instead.
func New(opts Options) *Server {
	s, err := Listen(opts)
	if err != nil {
		panic(fmt.Sprintf("fakecoder: %v", err))
	}
	return s
}

// Listen is New returning the listen error.
func Listen(opts Options) (*Server, error) {
	s := NewHandler(opts)
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("fakecoder: serve", "err", err)
		}
	}()
	return s, nil
}

// NewHandler builds a fake Coder without a listener, for mounting Handler
// inside another server. URL is empty and Close does nothing.
func NewHandler(opts Options) *Server {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.AdminUsername == "" {
		opts.AdminUsername = "admin"
	}
	if opts.PullRequestBase == "" {
		opts.PullRequestBase = "https://github.com/"
	}
	s := &Server{
		opts:    opts,
		log:     log,
		orgs:    map[string]string{},
		presets: map[string][]Preset{},
		sent:    map[string][]Message{},
		ends:    map[string]int{},
		endedAt: map[string]time.Time{},
	}
	s.users = append(s.users, User{ID: newUUID(), Username: opts.AdminUsername, Email: opts.AdminUsername + "@example.com"})
	s.handler = s.routes()
	return s
}

// URL is the base URL of the listener, e.g. "http://127.0.0.1:40123".
func (s *Server) URL() string { return s.url }

// Handler serves the fake's API, for mounting in another process.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the listener and waits for in-flight requests.
func (s *Server) Close() {
	if s.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.log.Error("fakecoder: shutdown", "err", err)
	}
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		s.writeError(w, http.StatusNotFound, errorResponse{Message: "Route not found."})
	})
	mux.HandleFunc("GET /api/v2/users", s.handleUsers)
	mux.HandleFunc("GET /api/v2/users/me", s.handleMe)
	mux.HandleFunc("POST /api/v2/users/{user}/keys/tokens", s.handleMintToken)
	mux.HandleFunc("PUT /api/v2/users/{user}/keys/{id}/expire", s.handleExpireToken)
	mux.HandleFunc("GET /api/v2/organizations/{org}", s.handleOrganization)
	mux.HandleFunc("GET /api/v2/organizations/{org}/templates/{name}", s.handleTemplate)
	mux.HandleFunc("GET /api/v2/templateversions/{id}/presets", s.handlePresets)
	mux.HandleFunc("POST /api/v2/users/{user}/workspaces", s.handleCreateWorkspace)
	mux.HandleFunc("POST /api/v2/organizations/{org}/members/{user}/workspaces", s.handleCreateWorkspace)
	mux.HandleFunc("GET /api/v2/users/{user}/workspace/{name}", s.handleWorkspaceByName)
	mux.HandleFunc("GET /api/v2/workspaces/{id}", s.handleGetWorkspace)
	mux.HandleFunc("POST /api/v2/workspaces/{id}/builds", s.handleBuild)
	if s.opts.API != APIChats {
		prefixes := []string{"/api/experimental"}
		if !s.opts.OldServer {
			prefixes = append(prefixes, "/api/v2")
		}
		for _, p := range prefixes {
			mux.HandleFunc("GET "+p+"/tasks", s.handleListTasks)
			mux.HandleFunc("POST "+p+"/tasks/{owner}", s.holdable(s.handleCreateTask))
			mux.HandleFunc("GET "+p+"/tasks/{owner}/{task}", s.handleGetTask)
			mux.HandleFunc("DELETE "+p+"/tasks/{owner}/{task}", s.handleDeleteTask)
			mux.HandleFunc("POST "+p+"/tasks/{owner}/{task}/send", s.handleSend)
		}
	}
	if s.opts.API != APITasks {
		p := "/api/v2/chats"
		if s.opts.ChatsExperimental {
			p = "/api/experimental/chats"
		}
		mux.HandleFunc("GET "+p, s.handleListChats)
		mux.HandleFunc("POST "+p, s.holdable(s.handleCreateChat))
		mux.HandleFunc("GET "+p+"/{chat}", s.handleGetChat)
		mux.HandleFunc("PATCH "+p+"/{chat}", s.handleUpdateChat)
		mux.HandleFunc("POST "+p+"/{chat}/messages", s.handleChatMessage)
		mux.HandleFunc("POST "+p+"/{chat}/interrupt", s.handleInterrupt)
		if !s.opts.NoChatCost {
			mux.HandleFunc("GET "+p+"/{chat}/cost", s.handleChatCost)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Failed to read request body.", Detail: err.Error()})
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.record(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: body})
		if !s.waitStalls(r) || s.refuse(w, r) {
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		if u, ok := s.caller(r); !ok {
			s.writeError(sw, http.StatusUnauthorized, errorResponse{
				Message: "You must be logged in to do this.",
				Detail:  "The session token is missing or invalid.",
			})
		} else {
			mux.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), callerKey{}, u)))
		}
		s.log.Debug("fakecoder", "method", r.Method, "path", r.URL.Path, "status", sw.status)
	})
}

// decode reads a JSON request body into v, answering Coder's 400 when it
// cannot; it reports whether the handler may go on.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		s.writeError(w, http.StatusBadRequest, errorResponse{Message: "Request body must be valid JSON.", Detail: err.Error()})
		return false
	}
	return true
}

// pathUser is the user a {user} path segment names ("me" is the caller).
// Call with s.mu held.
func (s *Server) pathUser(r *http.Request) *User {
	if r.PathValue("user") == "me" {
		u := callerOf(r)
		return &u
	}
	return s.userByName(r.PathValue("user"))
}

// callerKey holds the request's authenticated user in its context.
type callerKey struct{}

// caller is the user a request's token authenticates: the admin for the
// admin token, the minting user for a live minted token.
func (s *Server) caller(r *http.Request) (User, bool) {
	got := r.Header.Get(tokenHeader)
	if got == "" {
		return User{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.Token == "" || got == s.opts.Token {
		return s.users[0], true
	}
	for _, m := range s.minted {
		if m.Key == got && !m.Expired && time.Now().Before(m.ExpiresAt) {
			if u := s.userByName(m.User); u != nil {
				return *u, true
			}
		}
	}
	return User{}, false
}

// callerOf is the authenticated user of a request the mux serves.
func callerOf(r *http.Request) User {
	u, _ := r.Context().Value(callerKey{}).(User)
	return u
}

// isAdmin reports whether u is the admin token's user.
func (s *Server) isAdmin(u User) bool { return u.ID == s.users[0].ID }

// userByName finds a user by username (case-insensitive) or id; "me" is
// not resolved here. Call with s.mu held.
func (s *Server) userByName(name string) *User {
	for i := range s.users {
		if strings.EqualFold(s.users[i].Username, name) || s.users[i].ID == name {
			return &s.users[i]
		}
	}
	return nil
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.log.Error("fakecoder: encode response", "err", err)
		http.Error(w, "fakecoder: encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if _, err := w.Write(b); err != nil {
		s.log.Debug("fakecoder: write response", "err", err)
	}
}

func (s *Server) writeError(w http.ResponseWriter, status int, e errorResponse) {
	s.writeJSON(w, status, e)
}

// notFound is Coder's answer for a resource that does not exist.
func (s *Server) notFound(w http.ResponseWriter) {
	s.writeError(w, http.StatusNotFound, errorResponse{Message: "Resource not found or you do not have access to this resource"})
}
