package fakegithub

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// defaultPerPage and maxPerPage are GitHub's list page sizes.
const (
	defaultPerPage = 30
	maxPerPage     = 100
)

// paginate picks the page of a list of total items that the request asks
// for (per_page, page) and builds GitHub's Link header for it.
func (s *Server) paginate(r *http.Request, total int) (start, end int, header http.Header) {
	q := r.URL.Query()
	per := defaultPerPage
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
		per = min(v, maxPerPage)
	}
	page := 1
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		page = v
	}
	last := max(1, (total+per-1)/per)
	start = min((page-1)*per, total)
	end = min(start+per, total)

	link := func(p int, rel string) string {
		q2 := r.URL.Query()
		q2.Set("page", strconv.Itoa(p))
		q2.Set("per_page", strconv.Itoa(per))
		return fmt.Sprintf(`<%s?%s>; rel="%s"`, s.apiURL(r.URL.Path), q2.Encode(), rel)
	}
	var links []string
	if page > 1 {
		links = append(links, link(min(page-1, last), "prev"))
	}
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"))
	}
	header = http.Header{}
	if len(links) > 0 {
		header.Set("Link", strings.Join(links, ", "))
	}
	return start, end, header
}
