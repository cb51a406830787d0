package fakegithub

import (
	"net/http"
	"strconv"
	"time"
)

// getApp answers GET /app with the App fixture, its id set to Options.AppID.
func (s *Server) getApp(*http.Request) reply {
	app := s.tmpl.get("app")
	if s.opts.AppID != 0 {
		app["id"] = s.opts.AppID
	}
	return jsonReply(http.StatusOK, app)
}

// createToken answers POST /app/installations/{id}/access_tokens with a new
// installation token that expires in an hour.
func (s *Server) createToken(r *http.Request) reply {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound()
	}
	tok := newSecret("ghs_")
	exp := time.Now().Add(tokenLifetime).UTC().Truncate(time.Second)
	s.st.tokens[tok] = token{installationID: id, expires: exp}
	body := s.tmpl.get("token")
	body["token"] = tok
	body["expires_at"] = exp.Format(time.RFC3339)
	return jsonReply(http.StatusCreated, body)
}
