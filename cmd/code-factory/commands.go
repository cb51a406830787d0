package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/code-factory/code-factory/internal/config"
	"github.com/code-factory/code-factory/schema"
)

// newFlags returns a flag set whose --help describes the command.
func newFlags(name, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: code-factory %s [flags]\n\n%s\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; it returns the exit code to use when parsing
// ended the command (help or a bad flag).
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}

func runServe(ctx context.Context, args []string, _, stderr io.Writer) int {
	fs := newFlags("serve", "Runs the worker and the webhook ingress against the Temporal cluster at TEMPORAL_ADDRESS.", stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, logger, ok := loadConfig(config.NeedAll, stderr)
	if !ok {
		return 1
	}
	return fail(logger, serve(ctx, cfg, logger, true, true))
}

func runWorker(ctx context.Context, args []string, _, stderr io.Writer) int {
	fs := newFlags("worker", "Runs the Temporal worker alone (workflows and activities).", stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, logger, ok := loadConfig(config.NeedGitHub|config.NeedCoder, stderr)
	if !ok {
		return 1
	}
	return fail(logger, serve(ctx, cfg, logger, true, false))
}

func runIngress(ctx context.Context, args []string, _, stderr io.Writer) int {
	fs := newFlags("ingress", "Runs the webhook ingress alone; it starts and signals workflows on TEMPORAL_ADDRESS.", stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	cfg, logger, ok := loadConfig(config.NeedWebhook, stderr)
	if !ok {
		return 1
	}
	return fail(logger, serve(ctx, cfg, logger, false, true))
}

func runSchema(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("schema", "Prints the JSON Schema of .code-factory/config.toml (also served at /schema.json).", stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if _, err := stdout.Write(schema.JSONSchema()); err != nil {
		return 1
	}
	return 0
}

func runValidate(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("validate", "Validates a repository config file. Exit 0 valid, 1 invalid, 2 unreadable.\n\nusage: code-factory validate [--json] [path]", stderr)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	path := ".code-factory/config.toml"
	if fs.NArg() > 0 {
		path = fs.Arg(0)
	}
	return schema.Validate(stdout, path, *asJSON)
}

// runHealthcheck GETs a health URL (default the ingress's /readyz) and exits
// 0 on 200: the production image has no shell or curl to do it.
func runHealthcheck(ctx context.Context, args []string, _, stderr io.Writer) int {
	fs := newFlags("healthcheck", "Exits 0 when the URL answers 200, 1 otherwise.\n\nusage: code-factory healthcheck [URL]   (default http://127.0.0.1:8080/readyz)", stderr)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	url := "http://127.0.0.1:8080/readyz"
	if fs.NArg() > 0 {
		url = fs.Arg(0)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 2
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "healthcheck: %s answered %d\n", url, resp.StatusCode)
		return 1
	}
	return 0
}
