package coder

import (
	"net/http"
	"testing"
	"time"
)

func TestNewClientHTTPClient(t *testing.T) {
	c := NewClient("https://coder.example.com/", "t", nil)
	if c.hc.Timeout != 30*time.Second || c.hc == http.DefaultClient || c.base != "https://coder.example.com" {
		t.Fatalf("default client: timeout %v base %q", c.hc.Timeout, c.base)
	}
	mine := &http.Client{Timeout: 5 * time.Second}
	c = NewClient("https://coder.example.com", "t", mine)
	if c.hc.Timeout != 5*time.Second || c.hc == mine || mine.CheckRedirect != nil || c.hc.CheckRedirect == nil {
		t.Fatal("given client not copied with a redirect guard")
	}
}
