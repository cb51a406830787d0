package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/invopop/jsonschema"
)

// SchemaID is the `$id` of the JSON Schema; editors fetch it from there.
const SchemaID = "https://code-factory.dev/schema.json"

// SchemaVersion is the JSON Schema dialect of the generated schema.
const SchemaVersion = "https://json-schema.org/draft/2020-12/schema"

// Title and description of the generated schema.
const (
	// SchemaTitle is the schema's title.
	SchemaTitle = "code-factory repository config"
	// SchemaDescription is the schema's description.
	SchemaDescription = "Schema for .code-factory/config.toml. Unknown keys are ignored (reported as warnings). " +
		"Cron syntax and unique job names are checked by code-factory itself."
)

// JSONSchema returns the JSON Schema of the config file, generated from the
// Go types: enums, defaults and required keys are visible; unknown keys are
// allowed (code-factory only warns about them). It is regenerated on each call.
func JSONSchema() []byte {
	r := &jsonschema.Reflector{
		AllowAdditionalProperties:  true,
		RequiredFromJSONSchemaTags: true,
		DoNotReference:             true,
		ExpandedStruct:             true,
		Anonymous:                  true,
	}
	s := r.Reflect(&Config{})
	s.Version = SchemaVersion
	s.ID = jsonschema.ID(SchemaID)
	s.Title = SchemaTitle
	s.Description = SchemaDescription
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		// The schema is built from fixed Go types; failing to encode it is a
		// programming error that tests catch.
		panic("schema: encoding the JSON Schema: " + err.Error())
	}
	return append(b, '\n')
}

// Handler serves the JSON Schema (GET and HEAD) with a strong ETag and
// honours If-None-Match with 304 Not Modified.
func Handler() http.Handler {
	body := JSONSchema()
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("ETag", etag)
		if etagMatches(r.Header.Values("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Type", "application/schema+json")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			if _, err := w.Write(body); err != nil {
				// The client went away; nothing else to do.
				slog.DebugContext(r.Context(), "schema: writing response", "err", err)
			}
		}
	})
}

// etagMatches applies If-None-Match's weak comparison.
func etagMatches(headers []string, etag string) bool {
	for _, h := range headers {
		for _, tag := range strings.Split(h, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
				return true
			}
		}
	}
	return false
}
