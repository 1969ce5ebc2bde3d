package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"github.com/perdiem/perdiem/store"
)

type ctxKey int

const keyRequest ctxKey = 0

// requestState is what the middleware learns of a request: its id, then
// who it acts for. It is put in the request's context once, before the
// credential is checked, and filled in as that is learnt, rather than
// copying the request for each.
type requestState struct {
	id    string
	p     *Principal
	actor store.Actor
}

func withState(ctx context.Context, st *requestState) context.Context {
	return context.WithValue(ctx, keyRequest, st)
}

func stateOf(ctx context.Context) *requestState {
	st, _ := ctx.Value(keyRequest).(*requestState)
	return st
}

// newRequestID is a random id for one request: it ties a log line to the
// answer's X-Request-Id without saying anything about the request.
func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func requestID(ctx context.Context) string {
	if st := stateOf(ctx); st != nil {
		return st.id
	}
	return ""
}

// secureHeaders sets the headers every answer carries: a content security
// policy that allows only the server's own scripts, styles and images and
// no framing, no MIME sniffing, no referrer leaving the site, HSTS under
// TLS, and for the API no caching (its answers hold patient data).
//
// The values are shared by every answer, not made for each: a header's
// values are only read once set, and one added to (Header.Add) gets an
// array of its own, as each has no room to spare.
func secureHeaders(h http.Header, tls, api bool) {
	h["Content-Security-Policy"] = headerCSP
	h["X-Content-Type-Options"] = headerNoSniff
	h["X-Frame-Options"] = headerDeny
	h["Referrer-Policy"] = headerSameOrigin
	h["Cross-Origin-Opener-Policy"] = headerSameOrigin
	h["Cross-Origin-Resource-Policy"] = headerSameOrigin
	if tls {
		h["Strict-Transport-Security"] = headerHSTS
	}
	if api {
		h["Cache-Control"] = headerNoStore
	}
}

var (
	headerCSP        = []string{"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"}
	headerNoSniff    = []string{"nosniff"}
	headerDeny       = []string{"DENY"}
	headerSameOrigin = []string{"same-origin"}
	headerHSTS       = []string{"max-age=31536000; includeSubDomains"}
	headerNoStore    = []string{"no-store"}
)
