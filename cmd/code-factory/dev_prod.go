//go:build prod

package main

// devCommands is empty in the production build: `dev` needs the embedded
// Temporal server, its UI and the fakes, which this build leaves out.
func devCommands() []command { return nil }
