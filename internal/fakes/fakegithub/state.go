package fakegithub

import (
	"strconv"
	"strings"
	"time"
)

type storedComment struct {
	Comment
	owner, repo string
	issue       int
	created     time.Time
	updated     time.Time
}

type storedReaction struct {
	Reaction
	id   int64
	user string
}

type token struct {
	installationID int64
	expires        time.Time
}

type repoState struct {
	defaultBranch string
	issues        map[int]*Issue
	perms         map[string]string
	pulls         map[int]*PullRequest
	closing       map[int][]ClosingRef
	runJobs       map[int64][]Job
	files         map[string]map[string][]byte // ref ("" = default branch) → path → content
	compare       map[string][]CompareFile     // "base...head" → files
	statuses      map[string][]Status          // sha → statuses
}

type state struct {
	repos       map[string]*repoState
	comments    map[int64]*storedComment
	nextID      int64
	reactions   []storedReaction
	jobLogs     map[int64]string
	logSigs     map[string]int64
	tokens      map[string]token
	failures    []*failRule
	requests    []Request
	defaultPerm string
	// extra holds review comments and reviews stored by tests, by key.
	extra map[string]map[string]any
	// teams are "org/slug" (lower case) → member logins (lower case) → state.
	teams map[string]map[string]string
}

func newState() state {
	return state{
		repos:       map[string]*repoState{},
		comments:    map[int64]*storedComment{},
		nextID:      1000,
		jobLogs:     map[int64]string{},
		logSigs:     map[string]int64{},
		tokens:      map[string]token{},
		defaultPerm: "admin",
		extra:       map[string]map[string]any{},
		teams:       map[string]map[string]string{},
	}
}

func repoKey(owner, repo string) string { return strings.ToLower(owner + "/" + repo) }

// repo returns the repository's state, creating it: every repository exists.
func (st *state) repo(owner, repo string) *repoState {
	k := repoKey(owner, repo)
	rs := st.repos[k]
	if rs == nil {
		rs = &repoState{
			defaultBranch: "main",
			issues:        map[int]*Issue{},
			perms:         map[string]string{},
			pulls:         map[int]*PullRequest{},
			closing:       map[int][]ClosingRef{},
			runJobs:       map[int64][]Job{},
			files:         map[string]map[string][]byte{},
			compare:       map[string][]CompareFile{},
			statuses:      map[string][]Status{},
		}
		st.repos[k] = rs
	}
	return rs
}

func (st *state) id() int64 {
	st.nextID++
	return st.nextID
}

func (st *state) takeFailure(method, path string) *FailResponse {
	for i, f := range st.failures {
		if (f.method == "" || strings.EqualFold(f.method, method)) && strings.HasPrefix(path, f.prefix) {
			f.remaining--
			if f.remaining <= 0 {
				st.failures = append(st.failures[:i:i], st.failures[i+1:]...)
			}
			resp := f.resp
			return &resp
		}
	}
	return nil
}

// SetIssue creates or updates an issue; its title and author are kept if it existed.
func (s *Server) SetIssue(owner, repo string, n int, state string, assignees ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.st.repo(owner, repo)
	is := rs.issues[n]
	if is == nil {
		is = &Issue{Number: n, Title: "Issue " + strconv.Itoa(n), Author: "octocat"}
		rs.issues[n] = is
	}
	is.State = state
	is.Assignees = append([]string(nil), assignees...)
}

// PutIssue creates or replaces an issue with every field given.
func (s *Server) PutIssue(owner, repo string, is Issue) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := is
	cp.Assignees = append([]string(nil), is.Assignees...)
	s.st.repo(owner, repo).issues[is.Number] = &cp
}

// SetPermission sets a user's permission level ("admin", "maintain",
// "write", "triage", "read" or "none") on a repository.
func (s *Server) SetPermission(owner, repo, login, level string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.repo(owner, repo).perms[strings.ToLower(login)] = level
}

// SetDefaultPermission sets the level of users without a SetPermission
// entry; it starts as "admin" so simple scenarios just work.
func (s *Server) SetDefaultPermission(level string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.defaultPerm = level
}

// SetDefaultBranch sets a repository's default branch ("main" until set).
func (s *Server) SetDefaultBranch(owner, repo, branch string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.repo(owner, repo).defaultBranch = branch
}

// SetPullRequest creates or replaces a pull request. An empty State is "open".
func (s *Server) SetPullRequest(owner, repo string, pr PullRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if pr.State == "" {
		pr.State = "open"
	}
	s.st.repo(owner, repo).pulls[pr.Number] = &pr
}

// SetClosingIssues sets the issues a pull request closes (GraphQL
// closingIssuesReferences).
func (s *Server) SetClosingIssues(owner, repo string, pr int, issues ...int) {
	refs := make([]ClosingRef, len(issues))
	for i, n := range issues {
		refs[i] = ClosingRef{Owner: owner, Repo: repo, Number: n}
	}
	s.SetClosingRefs(owner, repo, pr, refs...)
}

// ClosingRef is an issue a pull request closes; it may be in another
// repository ("Fixes other/repo#7").
type ClosingRef struct {
	Owner, Repo string
	Number      int
}

// SetClosingRefs sets the issues, in any repository, a pull request closes.
func (s *Server) SetClosingRefs(owner, repo string, pr int, refs ...ClosingRef) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.repo(owner, repo).closing[pr] = append([]ClosingRef(nil), refs...)
}

// SetRunJobs sets the jobs of a workflow run.
func (s *Server) SetRunJobs(owner, repo string, runID int64, jobs ...Job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.repo(owner, repo).runJobs[runID] = append([]Job(nil), jobs...)
}

// SetJobLog sets the log text served for a job.
func (s *Server) SetJobLog(jobID int64, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.jobLogs[jobID] = text
}

// SetFile puts a file at ref ("" = the default branch).
func (s *Server) SetFile(owner, repo, ref, path string, content []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.st.repo(owner, repo)
	if rs.files[ref] == nil {
		rs.files[ref] = map[string][]byte{}
	}
	rs.files[ref][strings.TrimPrefix(path, "/")] = append([]byte(nil), content...)
}

// RemoveFile deletes a file at ref ("" = the default branch).
func (s *Server) RemoveFile(owner, repo, ref, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rs := s.st.repo(owner, repo)
	path = strings.TrimPrefix(path, "/")
	delete(rs.files[ref], path)
	if ref == "" {
		delete(rs.files[rs.defaultBranch], path)
	}
}

// SetCompareFiles sets the "files" of GET compare/{base}...{head}; an
// unscripted comparison answers "identical" with no files.
func (s *Server) SetCompareFiles(owner, repo, base, head string, files ...CompareFile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.repo(owner, repo).compare[base+"..."+head] = append([]CompareFile(nil), files...)
}

// AddComment adds a pre-existing comment by login and returns its id.
func (s *Server) AddComment(owner, repo string, n int, login, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.addComment(owner, repo, n, login, body).ID
}

func (st *state) addComment(owner, repo string, n int, login, body string) *storedComment {
	now := time.Now().UTC()
	c := &storedComment{
		Comment: Comment{ID: st.id(), Login: login, Body: body},
		owner:   owner, repo: repo, issue: n, created: now, updated: now,
	}
	st.comments[c.ID] = c
	return c
}

// TransferIssue moves an issue and its comments (keeping their ids, as
// GitHub does) to another repository under a new number.
func (s *Server) TransferIssue(owner, repo string, n int, toOwner, toRepo string, toN int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	from := s.st.repo(owner, repo)
	if is := from.issues[n]; is != nil {
		delete(from.issues, n)
		moved := *is
		moved.Number = toN
		s.st.repo(toOwner, toRepo).issues[toN] = &moved
	}
	for _, c := range s.st.issueComments(owner, repo, n) {
		c.owner, c.repo, c.issue = toOwner, toRepo, toN
	}
}

// MoveRepo renames or transfers a repository: its issues, pull requests,
// files and comments (ids kept) answer under the new owner and name.
func (s *Server) MoveRepo(owner, repo, toOwner, toRepo string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := repoKey(owner, repo)
	if rs := s.st.repos[k]; rs != nil {
		delete(s.st.repos, k)
		s.st.repos[repoKey(toOwner, toRepo)] = rs
	}
	for _, c := range s.st.comments {
		if repoKey(c.owner, c.repo) == k {
			c.owner, c.repo = toOwner, toRepo
		}
	}
}
