package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// spec is the OpenAPI document parsed for the tests, with its schemas
// compiled on first use.
type spec struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema
	seen     map[string]bool // "METHOD /path STATUS" answers checked
}

const specURL = "file:///openapi.json"

var (
	theSpec     *spec
	theSpecOnce sync.Once
)

func loadSpec(t testing.TB) *spec {
	t.Helper()
	theSpecOnce.Do(func() {
		var doc map[string]any
		if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
			panic(fmt.Sprintf("openapi.json: %v", err))
		}
		raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(openAPIDocument))
		if err != nil {
			panic(err)
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		if err := c.AddResource(specURL, raw); err != nil {
			panic(err)
		}
		theSpec = &spec{doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}, seen: map[string]bool{}}
	})
	return theSpec
}

// pointerEscape escapes one JSON pointer token.
func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// lookup follows a JSON pointer ("#/a/b") in the document.
func (s *spec) lookup(ref string) (any, bool) {
	var v any = s.doc
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return v, true
}

// template finds the documented path that a request path fills in.
func (s *spec) template(path string) (string, bool) {
	paths := s.doc["paths"].(map[string]any)
	if _, ok := paths[path]; ok {
		return path, true
	}
	segs := strings.Split(path, "/")
	for tpl := range paths {
		ts := strings.Split(tpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		ok := true
		for i := range ts {
			if ts[i] != segs[i] && !(strings.HasPrefix(ts[i], "{") && strings.HasSuffix(ts[i], "}")) {
				ok = false
				break
			}
		}
		if ok {
			return tpl, true
		}
	}
	return "", false
}

// schemaFor compiles the schema of the documented answer to method path
// with status and media type; ok is false when the document has no such
// answer.
func (s *spec) schemaFor(method, tpl string, status int, media string) (*jsonschema.Schema, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	respPtr := "#/paths/" + pointerEscape(tpl) + "/" + strings.ToLower(method) + "/responses/" + fmt.Sprint(status)
	resp, ok := s.lookup(respPtr)
	if !ok {
		return nil, "", fmt.Errorf("%s %s: no %d answer in openapi.json", method, tpl, status)
	}
	if ref, ok := resp.(map[string]any)["$ref"].(string); ok {
		respPtr = ref
		if resp, ok = s.lookup(ref); !ok {
			return nil, "", fmt.Errorf("%s: dangling $ref", ref)
		}
	}
	content, _ := resp.(map[string]any)["content"].(map[string]any)
	if content == nil {
		return nil, "", nil // an answer without a body
	}
	if _, ok := content[media]; !ok {
		var have []string
		for k := range content {
			have = append(have, k)
		}
		return nil, "", fmt.Errorf("%s %s %d: answered %s, documented %v", method, tpl, status, media, have)
	}
	ptr := respPtr + "/content/" + pointerEscape(media) + "/schema"
	if sch := s.schemas[ptr]; sch != nil {
		return sch, ptr, nil
	}
	sch, err := s.compiler.Compile(specURL + ptr)
	if err != nil {
		return nil, "", err
	}
	s.schemas[ptr] = sch
	return sch, ptr, nil
}

// check holds one answer to the document: its status is documented for
// the operation, and a JSON body matches the schema.
func (s *spec) check(t testing.TB, method, path string, status int, header http.Header, body []byte) {
	t.Helper()
	tpl, ok := s.template(path)
	if !ok {
		// A path the API does not have: a documented error, nothing else.
		if status != 404 && status != 405 {
			t.Errorf("%s %s: path not in openapi.json, answered %d", method, path, status)
			return
		}
		s.mu.Lock()
		sch, err := s.compiler.Compile(specURL + "#/components/schemas/Error")
		s.mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		if v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body)); err != nil || sch.Validate(v) != nil {
			t.Errorf("%s %s %d: not an Error: %s", method, path, status, body)
		}
		return
	}
	media := header.Get("Content-Type")
	if i := strings.IndexByte(media, ';'); i >= 0 {
		media = strings.TrimSpace(media[:i])
	}
	sch, ptr, err := s.schemaFor(method, tpl, status, media)
	if err != nil {
		t.Errorf("%v", err)
		return
	}
	s.mu.Lock()
	s.seen[fmt.Sprintf("%s %s %d", method, tpl, status)] = true
	s.mu.Unlock()
	if sch == nil || media != "application/json" {
		return
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s %s %d: body is not JSON: %v", method, path, status, err)
		return
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("%s %s %d: body does not match %s:\n%v\nbody: %.600s", method, path, status, ptr, err, body)
	}
}

// client makes requests to a test server and holds every answer to the
// OpenAPI document.
type client struct {
	t       testing.TB
	srv     *httptest.Server
	spec    *spec
	header  http.Header // sent with every request
	cookies []*http.Cookie
}

func newClient(t testing.TB, srv *httptest.Server) *client {
	return &client{t: t, srv: srv, spec: loadSpec(t), header: http.Header{}}
}

// with returns a copy of c that also sends the header key: value.
func (c *client) with(key, value string) *client {
	d := *c
	d.header = c.header.Clone()
	d.header.Set(key, value)
	return &d
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("answer %d: %v: %.300s", a.status, err, a.body)
	}
}

// errorCode is the code of an error answer.
func (a answer) errorCode() string {
	var e struct {
		Error struct{ Code, Path string }
	}
	json.Unmarshal(a.body, &e)
	return e.Error.Code
}

func (a answer) errorPath() string {
	var e struct {
		Error struct{ Code, Path string }
	}
	json.Unmarshal(a.body, &e)
	return e.Error.Path
}

// do sends a request; a body that is not []byte or string is sent as JSON.
func (c *client) do(method, path string, body any) answer {
	c.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ctype = bytes.NewReader(b), "application/json"
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, c.srv.URL+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	p := path
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if strings.HasPrefix(p, "/v1/") {
		c.spec.check(c.t, method, p, resp.StatusCode, resp.Header, b)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// want fails the test unless the answer has status (and, for an error,
// code).
func (a answer) want(t testing.TB, status int, code string) answer {
	t.Helper()
	if a.status != status || code != "" && a.errorCode() != code {
		t.Fatalf("got %d %s, want %d %s: %.500s", a.status, a.errorCode(), status, code, a.body)
	}
	return a
}
