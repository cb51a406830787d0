// Command code-factory receives GitHub App webhooks and runs a Coder task
// for every issue assigned to the agent user, durably, on Temporal.
//
//	code-factory dev       embedded Temporal + UI + worker + ingress (simulators without credentials;
//	                       not in the production build, -tags prod)
//	code-factory serve     worker + ingress against an external Temporal
//	code-factory worker    the worker alone
//	code-factory ingress   the webhook ingress alone
//	code-factory send      post a signed sample delivery to an ingress
//	code-factory schema    print the JSON Schema of .code-factory/config.toml
//	code-factory validate  validate a .code-factory/config.toml
//	code-factory status    what an issue's (or a repository's) workflows are doing
//	code-factory redeliver redeliver webhook deliveries that never arrived (--since 2h, --dry-run)
//	code-factory healthcheck URL   exit 0 when URL answers 200 (image health checks)
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return append(devCommands(), []command{
		{"serve", "run the worker and the ingress against TEMPORAL_ADDRESS", runServe},
		{"worker", "run the Temporal worker alone", runWorker},
		{"ingress", "run the webhook ingress alone", runIngress},
		{"send", "post a signed sample webhook delivery to an ingress", runSend},
		{"schema", "print the JSON Schema of .code-factory/config.toml", runSchema},
		{"validate", "validate a .code-factory/config.toml (default path .code-factory/config.toml)", runValidate},
		{"status", "print what code-factory is doing for an issue (owner/repo#42) or a repository (--repo)", runStatus},
		{"redeliver", "ask GitHub to redeliver the webhook deliveries that never reached code-factory", runRedeliver},
		{"healthcheck", "exit 0 when a health URL answers 200 (for container health checks)", runHealthcheck},
	}...)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "code-factory: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: code-factory <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'code-factory <command> --help' for a command's flags. Configuration is read from the environment (see README.md).")
}
