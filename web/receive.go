package web

import (
	"io"
	"net/http"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/workspace"
)

// received is what the files page says of a received file
// (workspace.Receive): the claims moved, the moves skipped, what matched
// no claim.
type received struct {
	Kind    string
	ID      string
	Moved   []string
	Skipped []store.Skipped
	Unmatch []string
}

func (h *Handler) receive(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		h.render(w, r, http.StatusBadRequest, "files", page{Title: "Files", Nav: "files", Data: filesPage{CanWrite: true, Problem: "Choose a 999, 277CA or 835 file to receive (at most 64 MiB)."}})
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		h.fail(w, r, errs.Errorf(errs.Invalid, "reading the upload: %v", err))
		return
	}
	var rc received
	file, err := workspace.Read(data)
	if err == nil {
		err = h.do(r.Context(), func(tx *store.Tx) error {
			got, err := h.ws.Record(tx, file)
			if err != nil {
				return err
			}
			rc = receivedOf(got)
			return nil
		})
	}
	if err != nil {
		msg := err.Error()
		if errs.CodeOf(err) == errs.Invalid {
			msg = hdr.Filename + ": " + msg
		}
		h.render(w, r, errs.HTTPStatus(errs.CodeOf(err)), "files", page{Title: "Files", Nav: "files", Data: filesPage{CanWrite: true, Problem: msg}})
		return
	}
	h.render(w, r, http.StatusOK, "files", page{Title: "Files", Nav: "files", Data: filesPage{CanWrite: true, Received: &rc, Name: hdr.Filename}})
}

func receivedOf(got workspace.Received) received {
	rc := received{Kind: got.Kind, ID: got.ID(), Skipped: got.Skipped()}
	for _, ch := range got.Moved() {
		rc.Moved = append(rc.Moved, ch.ClaimID+" → "+statusWord(ch.Status))
	}
	for _, u := range got.Unmatched {
		rc.Unmatch = append(rc.Unmatch, u.String())
	}
	return rc
}
