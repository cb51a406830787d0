package schema

import (
	"regexp"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, tc := range problemCases() {
		f.Add([]byte(tc.doc))
	}
	f.Add([]byte("[[sandbox.volumes]]\npath = \"/a\"\nsize = \" 7 TB \"\n"))
	f.Add([]byte("sandbox = { volumes = [ { path = \"/a\", size = \"1k\" } ] }\n"))
	f.Add([]byte("[[a]]\n[a.b]\nc = 1\n[[a]]\n[[a.d]]\n"))
	canonical := regexp.MustCompile(`^[0-9]+[KMGT]i$`)
	nonBlank := regexp.MustCompile(NonBlankPattern)
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, res := Parse(data)
		if res == nil {
			t.Fatal("nil Result")
		}
		for _, p := range append(append([]Problem{}, res.Errors...), res.Warnings...) {
			if p.Rule == "" || p.Line < 0 {
				t.Fatalf("malformed problem %+v", p)
			}
		}
		if !res.OK() {
			if cfg != nil {
				t.Fatal("config returned with errors")
			}
			return
		}
		if cfg == nil {
			t.Fatal("no config without errors")
		}
		if !cfg.Sandbox.Size.Valid() || !cfg.Harness.Provider.Valid() {
			t.Fatalf("enum out of range: %q %q", cfg.Sandbox.Size, cfg.Harness.Provider)
		}
		for _, v := range cfg.Sandbox.Volumes {
			if !canonical.MatchString(v.Size) || !nonBlank.MatchString(v.Path) {
				t.Fatalf("volume not normalized: %+v", v)
			}
		}
		names := map[string]bool{}
		for _, j := range cfg.ScheduledJobs {
			if err := ParseCron(j.Schedule); err != nil {
				t.Fatalf("accepted bad cron: %v", err)
			}
			if names[j.Name] {
				t.Fatal("accepted duplicate job name")
			}
			names[j.Name] = true
		}
		for _, h := range cfg.OnEvent.FailedRun {
			if len(h.Workflows) == 0 || len(h.Branches) == 0 {
				t.Fatalf("empty failed_run lists: %+v", h)
			}
		}
	})
}
