package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/internal/shorten"
	"github.com/perdiem/perdiem/store"
)

// Error is an error the server answers with a status and a code of its
// own, for failures that are not about the input's content: no or a bad
// credential, a role that may not do this, a body too large, too many
// sign-ins. Errors from the engine and storage carry an errs code instead.
type Error struct {
	Status  int
	Code    string
	Message string
	Path    string
}

func (e *Error) Error() string { return e.Message }

// The server's own error codes, beside errs' invalid, not_found, conflict
// and internal.
const (
	codeUnauthorized     = "unauthorized"
	codeForbidden        = "forbidden"
	codeRateLimited      = "rate_limited"
	codePrecondition     = "precondition_required"
	codeTooLarge         = "too_large"
	codeMethodNotAllowed = "method_not_allowed"
	codeUnsupportedMedia = "unsupported_media_type"
)

// errorBody is the JSON of every error answer:
// {"error":{"code","message","path","problems"}}. Path is the field path of
// the first problem ("" for the request as a whole); problems lists every
// one when a document has several.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code     string         `json:"code"`
	Message  string         `json:"message"`
	Path     string         `json:"path"`
	Problems []errs.Problem `json:"problems,omitempty"`
}

// describe turns err into its status and the body a client may read. An
// internal error says only "internal error": its details go to the log,
// under the request id, never to the client.
func describe(err error) (int, errorDetail) {
	var se *Error
	if errors.As(err, &se) {
		return se.Status, errorDetail{Code: se.Code, Message: se.Message, Path: se.Path}
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return http.StatusRequestEntityTooLarge, errorDetail{Code: codeTooLarge, Message: tooLargeMessage(mb.Limit)}
	}
	code := errs.CodeOf(err)
	d := errorDetail{Code: string(code)}
	if code == errs.Internal {
		d.Message = errs.Message(err)
		return errs.HTTPStatus(code), d
	}
	shorten.Problems(err)
	if probs := errs.ProblemsOf(err); len(probs) > 0 {
		d.Message, d.Path = probs[0].Message, probs[0].Path
		if len(probs) > 1 {
			d.Problems = probs
		}
	} else {
		d.Message = shorten.Text(err.Error())
	}
	return errs.HTTPStatus(code), d
}

// writeError answers with err as JSON, logging the details of an internal
// error under the request's id.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, d := describe(err)
	if status >= 500 {
		slog.Error("request failed", "request_id", requestID(r.Context()), "route", r.Pattern, "error", err.Error())
	}
	writeJSON(w, status, errorBody{Error: d})
}

// writeJSON answers with v as JSON (marshal).
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshal(v)
	writeEncoded(w, status, b, err)
}

// writeIndentedJSON answers with v as JSON indented by two spaces, the way
// the command line prints it: POST /v1/code answers byte for byte what
// `perdiem code` prints.
func writeIndentedJSON(w http.ResponseWriter, status int, v any) {
	b, err := encode(v, "  ")
	writeEncoded(w, status, b, err)
}

func writeEncoded(w http.ResponseWriter, status int, b []byte, err error) {
	if err != nil {
		slog.Error("encoding a response", "error", err.Error())
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"internal","message":"internal error","path":""}}`+"\n")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// marshal is v's JSON as writeJSON sends it: on one line, text as it is
// (no \u003e for >: the API is not an HTML page), a final newline. Not
// indented: programs read the API, and indenting a claim's answer (its
// lines and their reasons nested four deep) took a twentieth of the
// server's time under load and made it 40% longer.
func marshal(v any) ([]byte, error) {
	// A new claim's answer reuses the JSON its claim and result were
	// stored as. The type itself, not an interface: answers that embed a
	// store.Claim have its AppendJSON too, but more fields.
	if c, ok := v.(store.Claim); ok {
		b, err := c.AppendJSON(nil)
		if err != nil {
			return nil, err
		}
		return append(b, '\n'), nil
	}
	return encode(v, "")
}

func encode(v any, indent string) ([]byte, error) {
	var buf jsonBuffer
	enc := json.NewEncoder(&buf)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.b, nil
}

type jsonBuffer struct{ b []byte }

func (j *jsonBuffer) Write(p []byte) (int, error) {
	j.b = append(j.b, p...)
	return len(p), nil
}
