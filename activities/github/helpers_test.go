package github

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/code-factory/code-factory/internal/fakes/fakegithub"
)

const (
	testAppID   = 99
	testInstall = 42
	owner       = "acme"
	repo        = "widgets"
)

type env struct {
	fake    *fakegithub.Server
	key     *rsa.PrivateKey
	factory *Factory
}

func newKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pkcs1PEM(k *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

func pkcs8PEM(t *testing.T, k any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// newEnv starts a fake GitHub that verifies the App JWT against a fresh key
// and a factory that signs with that key.
func newEnv(t *testing.T) *env {
	t.Helper()
	key := newKey(t)
	fake := fakegithub.New(fakegithub.Options{AppID: testAppID, PublicKey: &key.PublicKey})
	t.Cleanup(fake.Close)
	f, err := NewFactory(FactoryConfig{AppID: testAppID, PrivateKey: pkcs1PEM(key), APIURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return &env{fake: fake, key: key, factory: f}
}

func (e *env) client(t *testing.T) *Client {
	t.Helper()
	c, err := e.factory.Installation(testInstall)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// countPrefix counts recorded requests by method and path prefix.
func (e *env) count(method, prefix string) int { return e.fake.Count(method, prefix) }

// noSecrets fails when s contains an installation token.
func noSecrets(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, "ghs_") {
		t.Errorf("message contains a token: %s", s)
	}
}
