package schema

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

func serve(h http.Handler, method string, header map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/schema.json", nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHandler(t *testing.T) {
	h := Handler()
	rec := serve(h, http.MethodGet, nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/schema+json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=3600" {
		t.Errorf("Cache-Control = %q", cc)
	}
	if !bytes.Equal(rec.Body.Bytes(), JSONSchema()) {
		t.Error("body is not the schema")
	}
	etag := rec.Header().Get("ETag")
	if len(etag) < 10 || etag[0] != '"' || etag[len(etag)-1] != '"' {
		t.Fatalf("ETag = %q", etag)
	}
	if again := serve(Handler(), http.MethodGet, nil).Header().Get("ETag"); again != etag {
		t.Errorf("ETag not stable: %q then %q", etag, again)
	}

	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		rec := serve(h, http.MethodGet, map[string]string{"If-None-Match": inm})
		if rec.Code != http.StatusNotModified {
			t.Errorf("If-None-Match %s: status %d, want 304", inm, rec.Code)
		}
		if rec.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: body on 304", inm)
		}
		if rec.Header().Get("ETag") != etag {
			t.Errorf("If-None-Match %s: 304 without ETag", inm)
		}
	}
	for _, inm := range []string{`"other"`, etag[1 : len(etag)-1]} {
		if rec := serve(h, http.MethodGet, map[string]string{"If-None-Match": inm}); rec.Code != http.StatusOK || rec.Body.Len() == 0 {
			t.Errorf("If-None-Match %s: status %d, want 200 with body", inm, rec.Code)
		}
	}

	head := serve(h, http.MethodHead, nil)
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("ETag") != etag {
		t.Errorf("HEAD: status %d, body %d bytes", head.Code, head.Body.Len())
	}
	post := serve(h, http.MethodPost, nil)
	if post.Code != http.StatusMethodNotAllowed || post.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", post.Code, post.Header().Get("Allow"))
	}
}
