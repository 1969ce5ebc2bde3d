package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyPrincipal
	keyActor
)

// newRequestID is a random id for one request: it ties a log line to the
// answer's X-Request-Id without saying anything about the request.
func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, keyRequestID, id)
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

// secureHeaders sets the headers every answer carries: a content security
// policy that allows only the server's own scripts, styles and images and
// no framing, no MIME sniffing, no referrer leaving the site, HSTS under
// TLS, and for the API no caching (its answers hold patient data).
func secureHeaders(h http.Header, tls, api bool) {
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if tls {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	if api {
		h.Set("Cache-Control", "no-store")
	}
}
