package config

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// appID parses APP_ID as a positive integer.
func (l *loader) appID(v string) int64 {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		l.problem("APP_ID", "must be a positive integer")
		return 0
	}
	return id
}

// privateKey reads the key from PRIVATE_KEY (literal `\n` sequences become
// newlines) or from the file named by PRIVATE_KEY_FILE, and checks that it is
// an RSA key in PKCS#1 or PKCS#8 PEM form. Messages never quote the key or
// the path.
func (l *loader) privateKey(text, file string) []byte {
	if strings.TrimSpace(text) != "" && file != "" {
		l.problem("PRIVATE_KEY", "set only one of PRIVATE_KEY and PRIVATE_KEY_FILE")
		return nil
	}
	name := "PRIVATE_KEY"
	var data []byte
	if file != "" {
		name = "PRIVATE_KEY_FILE"
		b, err := l.readFile(file)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			l.problem(name, "file does not exist")
			return nil
		case errors.Is(err, fs.ErrPermission):
			l.problem(name, "file is not readable (permission denied)")
			return nil
		case err != nil:
			l.problem(name, "file cannot be read")
			return nil
		}
		data = b
	} else {
		data = []byte(strings.ReplaceAll(text, `\n`, "\n"))
	}
	key, msg := parseRSAKeyPEM(data)
	if msg != "" {
		l.problem(name, msg)
		return nil
	}
	return key
}

// parseRSAKeyPEM checks data holds an RSA private key and returns it
// re-encoded as a single PEM block, or a message saying what is wrong.
func parseRSAKeyPEM(data []byte) ([]byte, string) {
	block, _ := pem.Decode([]byte(strings.TrimSpace(string(data))))
	if block == nil {
		return nil, "is not a PEM-encoded private key"
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
			return nil, "is not a valid PKCS#1 RSA private key"
		}
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, "is not a valid PKCS#8 private key"
		}
		if _, ok := k.(*rsa.PrivateKey); !ok {
			return nil, "must be an RSA private key"
		}
	default:
		return nil, "must be an RSA private key in PKCS#1 or PKCS#8 PEM form"
	}
	return pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: block.Bytes}), ""
}

// httpURL checks v is an absolute http or https URL without credentials,
// query or fragment, and returns it unchanged.
func (l *loader) httpURL(name, v string) (string, bool) {
	u, err := url.Parse(v)
	switch {
	case err != nil:
		l.problem(name, "is not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https":
		l.problem(name, "must be an http or https URL")
	case u.Host == "":
		l.problem(name, "must include a host")
	case u.User != nil:
		l.problem(name, "must not contain credentials")
	case u.RawQuery != "" || u.Fragment != "":
		l.problem(name, "must not contain a query or fragment")
	default:
		return v, true
	}
	return "", false
}

// graphQLURL derives the GraphQL endpoint from the REST base: GitHub
// Enterprise Server's ".../api/v3/" becomes ".../api/graphql", anything else
// gets "graphql" appended.
func graphQLURL(apiURL string) string {
	if base, ok := strings.CutSuffix(apiURL, "/api/v3/"); ok {
		return base + "/api/graphql"
	}
	return apiURL + "graphql"
}

// webURL derives GitHub's web root from the REST base, for links GitHub
// did not send: api.github.com is github.com, GitHub Enterprise Server's
// "https://HOST/api/v3/" is "https://HOST/", and GHE.com's
// "https://api.SUB.ghe.com/" is "https://SUB.ghe.com/". Anything else is
// taken as its own web root.
func webURL(apiURL string) string {
	if base, ok := strings.CutSuffix(apiURL, "/api/v3/"); ok {
		return base + "/"
	}
	if rest, ok := strings.CutPrefix(apiURL, "https://api."); ok {
		return "https://" + rest
	}
	return apiURL
}

// port parses a TCP port number in 1-65535.
func (l *loader) port(name string, def int) int {
	v := l.get(name)
	if v == "" {
		return def
	}
	p, err := strconv.Atoi(v)
	if err != nil || p < 1 || p > 65535 {
		l.problem(name, "must be a port number between 1 and 65535")
		return def
	}
	return p
}

// boundedInt parses a whole number in [lo, hi].
func (l *loader) boundedInt(name string, def, lo, hi int) int {
	v := l.get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		l.problem(name, fmt.Sprintf("must be a whole number between %d and %d", lo, hi))
		return def
	}
	return n
}

// duration parses a positive Go duration such as "5s".
func (l *loader) duration(name string, def time.Duration) time.Duration {
	v := l.get(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		l.problem(name, `must be a positive duration such as "5s"`)
		return def
	}
	return d
}

// boundedDuration is duration limited to [lo, hi].
func (l *loader) boundedDuration(name string, def, lo, hi time.Duration) time.Duration {
	if l.get(name) == "" {
		return def
	}
	before := len(l.problems)
	d := l.duration(name, def)
	if len(l.problems) == before && (d < lo || d > hi) {
		l.problem(name, fmt.Sprintf("must be between %s and %s", lo, hi))
		return def
	}
	return d
}

// validHostPort reports whether v is host:port with a non-empty host and a
// port in 1-65535.
func validHostPort(v string) bool {
	host, port, err := net.SplitHostPort(v)
	if err != nil || host == "" {
		return false
	}
	p, err := strconv.Atoi(port)
	return err == nil && p >= 1 && p <= 65535
}

// validTaskNamePrefix reports whether p matches ^[a-z0-9][a-z0-9-]*$ and is
// at most MaxTaskNamePrefixLen characters.
func validTaskNamePrefix(p string) bool {
	if p == "" || len(p) > MaxTaskNamePrefixLen || p[0] == '-' {
		return false
	}
	for _, r := range p {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// validLogin reports whether s looks like a GitHub login: 1-39 letters,
// digits or hyphens, not starting with a hyphen, optionally followed by
// "[bot]".
func validLogin(s string) bool {
	s = strings.TrimSuffix(s, "[bot]")
	if s == "" || len(s) > 39 || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

// validBotLogin reports whether s is "<slug>[bot]".
func validBotLogin(s string) bool {
	slug, ok := strings.CutSuffix(s, "[bot]")
	return ok && validLogin(slug)
}
