package server

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
)

// IdempotencyHeader names the key that makes a POST safe to retry.
const IdempotencyHeader = "Idempotency-Key"

const maxIdempotencyKey = 255

// errReplay ends a transaction that found its answer kept already.
var errReplay = errors.New("answered before")

// write answers a write: fn runs in one transaction acting for r's user
// and gives the status and value to answer with. With an Idempotency-Key,
// the answer is kept in that same transaction, so either the work and its
// answer are both kept or neither is, and a retry of the same request
// (same user, key, method, path and body) gets the kept answer without the
// work being done again: no second claim, no second control number. The
// same key with another request is a conflict. A request that failed kept
// nothing, so its retry is done afresh.
func (s *Server) write(w http.ResponseWriter, r *http.Request, body []byte, fn func(tx *store.Tx) (int, any, error)) error {
	return s.writeWith(w, r, body, false, fn)
}

// writeFinal is write for a function whose last write is the last thing
// it does (store.DB.DoFinal): without an Idempotency-Key, whose answer
// is kept by a write after it, the store may make that write and commit
// at once.
func (s *Server) writeFinal(w http.ResponseWriter, r *http.Request, body []byte, fn func(tx *store.Tx) (int, any, error)) error {
	return s.writeWith(w, r, body, true, fn)
}

func (s *Server) writeWith(w http.ResponseWriter, r *http.Request, body []byte, final bool, fn func(tx *store.Tx) (int, any, error)) error {
	key := r.Header.Get(IdempotencyHeader)
	if key != "" && (len(key) > maxIdempotencyKey || strings.ContainsFunc(key, func(c rune) bool { return c < 0x21 || c > 0x7e })) {
		return errs.Invalids([]errs.Problem{{Path: IdempotencyHeader, Message: "want 1 to 255 visible ASCII characters"}})
	}
	fp := fingerprint(r, body)
	user := actor(r).UserID
	var answer store.Answer
	var value any // the answer's value, encoded after the commit when no key keeps it
	encodeAfter := false
	do := s.db.Do
	if final && key == "" {
		do = s.db.DoFinal
	}
	for attempt := 0; ; attempt++ {
		err := do(r.Context(), actor(r), func(tx *store.Tx) error {
			if key != "" {
				kept, ok, err := tx.IdempotentAnswer(user, key)
				if err != nil {
					return err
				}
				if ok {
					answer = kept
					return errReplay
				}
			}
			status, v, err := fn(tx)
			if err != nil {
				return err
			}
			answer = store.Answer{Fingerprint: fp, Status: status}
			if key == "" {
				// Encoded after the commit, out of the transaction (on
				// SQLite, out of the one writer's time).
				value, encodeAfter = v, true
				return nil
			}
			if answer.Body, err = marshal(v); err != nil {
				return err
			}
			return tx.KeepAnswer(user, key, answer)
		})
		switch {
		case errors.Is(err, errReplay):
			if !bytes.Equal(answer.Fingerprint, fp) {
				return errs.Errorf(errs.Conflict, "this Idempotency-Key was used for another request; use a new key for a new request")
			}
			w.Header().Set("Idempotent-Replayed", "true")
		case err != nil && key != "" && attempt == 0 && errs.CodeOf(err) == errs.Conflict:
			// Another request with the key may have committed first: look
			// again, once.
			continue
		case err != nil:
			return err
		}
		if encodeAfter {
			if answer.Body, err = marshal(value); err != nil {
				return err
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(answer.Status)
		w.Write(answer.Body)
		return nil
	}
}

// fingerprint is a hash of what makes a request the same request: method,
// path with query, and body.
func fingerprint(r *http.Request, body []byte) []byte {
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.RequestURI() + "\n" + strconv.Itoa(len(body)) + "\n"))
	h.Write(body)
	return h.Sum(nil)
}

// read runs fn in one transaction acting for r's user (reads of patient
// data are audited, so they are transactions too) and answers with its
// value.
func (s *Server) read(w http.ResponseWriter, r *http.Request, fn func(tx *store.Tx) (any, error)) error {
	var v any
	if err := s.db.Do(r.Context(), actor(r), func(tx *store.Tx) error {
		var err error
		v, err = fn(tx)
		return err
	}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// page reads ?limit= and ?cursor= into a store.Page.
func page(r *http.Request) (store.Page, error) {
	q := r.URL.Query()
	p := store.Page{Cursor: q.Get("cursor")}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > store.MaxLimit {
			return p, errs.Invalids([]errs.Problem{{Path: "?limit", Message: "want a number from 1 to " + strconv.Itoa(store.MaxLimit)}})
		}
		p.Limit = n
	}
	return p, nil
}

// list is one page of a list and the cursor of the next ("" at the end).
type list[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next,omitempty"`
}

func newList[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Next: next}
}
