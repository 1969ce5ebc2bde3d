package server

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
)

func newTestLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

// newTestServer serves New(opt), logging nowhere unless opt says where.
func newTestServer(t testing.TB, opt Options) *httptest.Server {
	t.Helper()
	if opt.Logger == nil {
		opt.Logger = newTestLogger(io.Discard)
	}
	return httptest.NewServer(New(opt))
}
