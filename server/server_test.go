package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/store/storetest"
)

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	sp := loadSpec(t)
	if v, _ := sp.doc["openapi"].(string); !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(v) {
		t.Fatalf("openapi: %q, want 3.1.x", v)
	}
	s := newFixture(t, storetest.SQLite(t), Options{}).s
	paths := sp.doc["paths"].(map[string]any)
	registered := map[string]bool{}
	for _, r := range s.Routes() {
		registered[r.Method+" "+r.Path] = true
		item, ok := paths[r.Path].(map[string]any)
		if !ok || item[strings.ToLower(r.Method)] == nil {
			t.Errorf("%s %s is served but not in openapi.json", r.Method, r.Path)
		}
	}
	for p, item := range paths {
		for m := range item.(map[string]any) {
			if m == "parameters" {
				continue
			}
			if !registered[strings.ToUpper(m)+" "+p] {
				t.Errorf("openapi.json documents %s %s, which is not served", strings.ToUpper(m), p)
			}
		}
	}
	for name := range sp.doc["components"].(map[string]any)["schemas"].(map[string]any) {
		if _, err := sp.compiler.Compile(specURL + "#/components/schemas/" + name); err != nil {
			t.Errorf("schema %s: %v", name, err)
		}
	}
	// Every $ref points at something.
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if _, ok := sp.lookup(ref); !ok {
					t.Errorf("dangling $ref %s", ref)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(sp.doc)
}

func TestOpenAPIIsServed(t *testing.T) {
	srv := newTestServer(t, Options{})
	defer srv.Close()
	a := newClient(t, srv).do("GET", "/v1/openapi.json", nil).want(t, 200, "")
	if !bytes.Equal(a.body, openAPIDocument) {
		t.Error("served document differs from the embedded one")
	}
}

func readExample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCode(t *testing.T) {
	srv := newTestServer(t, Options{})
	defer srv.Close()
	c := newClient(t, srv)
	names, _ := filepath.Glob("../examples/*.json")
	if len(names) == 0 {
		t.Fatal("no examples")
	}
	for _, name := range names {
		data := readExample(t, filepath.Base(name))
		a := c.do("POST", "/v1/code", data).want(t, 200, "")
		doc, err := episode.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		res, err := coding.Code(doc, coding.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got, want any
		a.json(t, &got)
		w, _ := json.Marshal(res)
		json.Unmarshal(w, &want)
		if !jsonEqual(got, want) {
			t.Errorf("%s: served result differs from coding.Code", name)
		}
	}
	// ?profile= overrides the document's profile, as --profile does.
	a := c.do("POST", "/v1/code?profile=bcbs-tx", readExample(t, "episode.json")).want(t, 200, "")
	var res struct{ Profile string }
	a.json(t, &res)
	if res.Profile != "bcbs-tx" {
		t.Errorf("profile %q, want bcbs-tx", res.Profile)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestCodeErrors(t *testing.T) {
	srv := newTestServer(t, Options{})
	defer srv.Close()
	c := newClient(t, srv)
	bad := strings.Replace(string(readExample(t, "episode.json")), `"every_hours": 8`, `"every_hours": "8"`, 1)
	a := c.do("POST", "/v1/code", bad).want(t, 400, "invalid")
	if p := a.errorPath(); !strings.HasPrefix(p, "therapies[0]") {
		t.Errorf("path %q, want therapies[0]…: %s", p, a.body)
	}
	a = c.do("POST", "/v1/code", `{"therapies":[{"id":"a","type":"nope","start":"2026-13-01"}],"extra":1}`).want(t, 400, "invalid")
	var e struct {
		Error struct {
			Problems []struct{ Path, Message string }
		}
	}
	a.json(t, &e)
	if len(e.Error.Problems) < 2 {
		t.Errorf("want every problem listed: %s", a.body)
	}
	c.do("POST", "/v1/code", `not json`).want(t, 400, "invalid")
	c.do("POST", "/v1/code", ``).want(t, 400, "invalid")
	c.do("POST", "/v1/code?profile=nope", readExample(t, "episode.json")).want(t, 400, "invalid")
	// A long value is quoted in 40 characters, not echoed whole.
	long := strings.Repeat("x", 100000)
	a = c.do("POST", "/v1/code", `{"therapies":[{"id":"a","type":"`+long+`","start":"2026-03-01"}]}`).want(t, 400, "invalid")
	if len(a.body) > 2000 {
		t.Errorf("error answer of %d bytes echoes the input", len(a.body))
	}
	// Not JSON by its Content-Type: refused before it is read.
	req, _ := http.NewRequest("POST", srv.URL+"/v1/code", strings.NewReader(string(readExample(t, "episode.json"))))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 415 {
		t.Errorf("form body: %d, want 415", resp.StatusCode)
	}
	c.with("Content-Type", "text/plain").do("POST", "/v1/code", readExample(t, "episode.json")).want(t, 415, "unsupported_media_type")
	// Over 16 MiB: 413, whether the length is announced or not.
	huge := `{"therapies":[` + strings.Repeat(" ", maxDocument) + `]}`
	c.do("POST", "/v1/code", huge).want(t, 413, "too_large")
	req, _ = http.NewRequest("POST", srv.URL+"/v1/code", struct{ *strings.Reader }{strings.NewReader(huge)})
	req.Header.Set("Content-Type", "application/json")
	resp, err = srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 || resp.ContentLength == 0 {
		t.Errorf("chunked huge body: %d, want 413", resp.StatusCode)
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	srv := newTestServer(t, Options{})
	defer srv.Close()
	for _, tc := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/v1/code", 405, "POST"},
		{"DELETE", "/v1/openapi.json", 405, "GET"},
		{"GET", "/v1/nothing", 404, ""},
		{"GET", "/elsewhere", 404, ""},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status || resp.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want %d %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), tc.status, tc.allow)
		}
		if strings.HasPrefix(tc.path, "/v1/") && resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: Content-Type %q", tc.method, tc.path, resp.Header.Get("Content-Type"))
		}
	}
}

func TestSecureHeaders(t *testing.T) {
	for _, tls := range []bool{false, true} {
		web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("page")) })
		srv := newTestServer(t, Options{TLS: tls, Web: web})
		for _, path := range []string{"/v1/openapi.json", "/", "/v1/nothing"} {
			resp, err := srv.Client().Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header
			if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Request-Id") == "" {
				t.Errorf("tls=%v %s: headers %v", tls, path, h)
			}
			if (h.Get("Strict-Transport-Security") != "") != tls {
				t.Errorf("tls=%v %s: HSTS %q", tls, path, h.Get("Strict-Transport-Security"))
			}
			if api := strings.HasPrefix(path, "/v1/"); api != (h.Get("Cache-Control") == "no-store") {
				t.Errorf("tls=%v %s: Cache-Control %q", tls, path, h.Get("Cache-Control"))
			}
		}
		srv.Close()
	}
}

func TestLogHoldsNoPatientData(t *testing.T) {
	var log bytes.Buffer
	srv := newTestServer(t, Options{Logger: newTestLogger(&log)})
	defer srv.Close()
	c := newClient(t, srv)
	c.do("POST", "/v1/code", readExample(t, "episode.json")).want(t, 200, "")
	c.do("POST", "/v1/code", `{"therapies":[{"id":"SECRETNAME","type":"x"}]}`).want(t, 400, "")
	c.do("GET", "/v1/nothing/SECRETID", nil).want(t, 404, "")
	out := log.String()
	for _, secret := range []string{"SECRETNAME", "SECRETID", "abx", "S9502"} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "route=\"POST /v1/code\"") || !strings.Contains(out, "status=400") || !strings.Contains(out, "request_id=") {
		t.Errorf("log lacks route, status or request id:\n%s", out)
	}
}
