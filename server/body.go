package server

import (
	"fmt"
	"io"
	"mime"
	"net/http"
)

// Body limits. An episode document is at most 16 MiB, as on the command
// line; an X12 file received (a 999, 277CA or 835) at most 64 MiB; any
// other JSON request at most 1 MiB.
const (
	maxDocument = 16 << 20
	maxX12      = 64 << 20
	maxSmall    = 1 << 20
)

func tooLargeMessage(limit int64) string {
	return fmt.Sprintf("request body larger than %d MiB", limit>>20)
}

// readJSON reads a JSON request body of at most limit bytes. The body must
// say it is JSON: a form a browser can send from another site cannot.
func readJSON(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, &Error{Status: http.StatusUnsupportedMediaType, Code: codeUnsupportedMedia,
			Message: "want Content-Type: application/json"}
	}
	return readBody(w, r, limit)
}

// readBody reads a request body of at most limit bytes; a longer one is
// refused whole (413).
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge, Message: tooLargeMessage(limit)}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		if _, ok := err.(*http.MaxBytesError); ok {
			return nil, err
		}
		return nil, &Error{Status: http.StatusBadRequest, Code: "invalid", Message: "reading the request body: " + err.Error()}
	}
	return b, nil
}
