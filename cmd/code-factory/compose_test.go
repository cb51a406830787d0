package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/code-factory/code-factory/internal/config"
)

// composeFile is the part of docker-compose.yml the test reads.
type composeFile struct {
	Services map[string]struct {
		Image       string                       `yaml:"image"`
		Build       *struct{ Dockerfile string } `yaml:"build"`
		Command     []string                     `yaml:"command"`
		Environment map[string]string            `yaml:"environment"`
		EnvFile     string                       `yaml:"env_file"`
		Ports       []string                     `yaml:"ports"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
		DependsOn map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
}

func readCompose(t *testing.T) composeFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

// There is no Docker engine here, so the compose file is checked as YAML
// against the code: its services, commands, ports, health checks and the
// names of the settings it passes.
func TestComposeFileAgreesWithTheCode(t *testing.T) {
	c := readCompose(t)
	for _, name := range []string{"postgresql", "temporal-schema", "temporal", "temporal-namespace", "temporal-ui", "ingress", "worker"} {
		if _, ok := c.Services[name]; !ok {
			t.Errorf("no %s service", name)
		}
	}
	for name, s := range c.Services {
		if strings.Contains(s.Image, "auto-setup") {
			t.Errorf("%s uses the deprecated temporalio/auto-setup image", name)
		}
	}
	if img := c.Services["temporal"].Image; !strings.HasPrefix(img, "temporalio/server:") {
		t.Errorf("temporal image = %q, want temporalio/server", img)
	}
	if img := c.Services["temporal-schema"].Image; !strings.HasPrefix(img, "temporalio/admin-tools:") {
		t.Errorf("schema image = %q, want temporalio/admin-tools", img)
	}
	if dep := c.Services["temporal"].DependsOn["temporal-schema"].Condition; dep != "service_completed_successfully" {
		t.Errorf("temporal waits for the schema with %q", dep)
	}

	known := config.Variables()
	commands := map[string]bool{}
	for _, cmd := range commandsOf() {
		commands[cmd] = true
	}
	for _, tc := range []struct{ service, command, port string }{{"ingress", "ingress", "8080"}, {"worker", "worker", "9090"}} {
		s := c.Services[tc.service]
		if len(s.Command) != 1 || s.Command[0] != tc.command || !commands[tc.command] {
			t.Errorf("%s command = %q, want [%s], a command of the binary", tc.service, s.Command, tc.command)
		}
		if s.EnvFile != ".env" {
			t.Errorf("%s env_file = %q", tc.service, s.EnvFile)
		}
		for k := range s.Environment {
			if !slices.Contains(known, k) {
				t.Errorf("%s sets %s, which code-factory does not read", tc.service, k)
			}
		}
		hc := s.Healthcheck
		if hc == nil || len(hc.Test) < 3 || hc.Test[1] != "/code-factory" || hc.Test[2] != "healthcheck" || !strings.Contains(strings.Join(hc.Test, " "), ":"+tc.port+"/readyz") {
			t.Errorf("%s health check = %+v, want the binary's healthcheck of /readyz on %s", tc.service, hc, tc.port)
		}
	}
	if p := c.Services["worker"].Environment["HEALTH_PORT"]; p != "9090" {
		t.Errorf("worker HEALTH_PORT = %q", p)
	}
	if len(c.Services["worker"].Ports) != 0 {
		t.Error("the worker publishes host ports, so it cannot be scaled")
	}
	if p := c.Services["ingress"].Ports; len(p) != 1 || !strings.HasSuffix(p[0], ":"+c.Services["ingress"].Environment["PORT"]) {
		t.Errorf("ingress ports %q do not publish PORT", p)
	}
	if b := c.Services["ingress"].Build; b == nil || b.Dockerfile != "cmd/code-factory/Dockerfile" {
		t.Errorf("ingress build = %+v", b)
	}
}

// .env.example lists every variable code-factory reads, and no secret.
func TestEnvExampleListsEveryVariable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, v := range config.Variables() {
		if !regexp.MustCompile(`(?m)^#? ?` + v + `=`).MatchString(text) {
			t.Errorf(".env.example does not list %s", v)
		}
	}
	if strings.Contains(text, "BEGIN RSA") || strings.Contains(text, "ghp_") {
		t.Error(".env.example holds something that looks like a real secret")
	}
}

// README's configuration table documents every variable code-factory reads.
func TestReadmeDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range config.Variables() {
		if !regexp.MustCompile("(?m)^\\| [^\n]*`" + v + "`[^\n]*\\|").Match(b) {
			t.Errorf("README's configuration table does not document %s", v)
		}
	}
}

// The Dockerfile builds the production binary as a non-root user.
func TestDockerfileBuildsTheProductionBinary(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	d := string(b)
	for _, want := range []string{"-tags prod", "USER nonroot", "AS build", "HEALTHCHECK"} {
		if !strings.Contains(d, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join("..", "..", ".dockerignore")); err != nil {
		t.Error("no .dockerignore")
	}
}

func commandsOf() []string {
	var out []string
	for _, c := range commands() {
		out = append(out, c.name)
	}
	return out
}
