package server

import (
	"net/http"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/workspace"
)

// createAcknowledgment answers POST /v1/acknowledgments: a 999 moves the
// claims of each acknowledged transaction set to accepted_999 or
// rejected_999; a 277CA moves each claim it names to accepted_277ca or
// rejected_277ca. What matches no claim is kept and listed
// (workspace.Record).
func (s *Server) createAcknowledgment(w http.ResponseWriter, r *http.Request) error {
	return s.receive(w, r, false, func(rc workspace.Received) any { return rc.Acknowledgment })
}

// createRemittance answers POST /v1/remittances: each claim an 835 pays
// (CLP01, our claim id) moves to paid, partly_paid or denied with the
// amount paid; a reversal, and a claim that is not ours, is kept and
// listed as unmatched (workspace.Record).
func (s *Server) createRemittance(w http.ResponseWriter, r *http.Request) error {
	return s.receive(w, r, true, func(rc workspace.Received) any { return rc.Remittance })
}

// receive reads an X12 file from the body, refuses it unless it is an 835
// exactly when remittance is true (naming the route it belongs to), and
// records it, answering what answer picks from the result.
func (s *Server) receive(w http.ResponseWriter, r *http.Request, remittance bool, answer func(workspace.Received) any) error {
	body, err := readBody(w, r, maxX12)
	if err != nil {
		return err
	}
	kind, err := workspace.Detect(body)
	if err != nil {
		return err
	}
	switch {
	case remittance && kind != workspace.Kind835:
		return errs.Invalids([]errs.Problem{{Message: "not an 835: a 999 or 277CA goes to /v1/acknowledgments"}})
	case !remittance && kind == workspace.Kind835:
		return errs.Invalids([]errs.Problem{{Message: "an 835 is a remittance: send it to /v1/remittances"}})
	}
	f, err := workspace.Read(body)
	if err != nil {
		return err
	}
	return s.write(w, r, body, func(tx *store.Tx) (int, any, error) {
		rc, err := s.ws.Record(tx, f)
		return http.StatusCreated, answer(rc), err
	})
}

func (s *Server) getAcknowledgment(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(tx *store.Tx) (any, error) { return tx.Acknowledgment(r.PathValue("id")) })
}

func (s *Server) getRemittance(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(tx *store.Tx) (any, error) { return tx.Remittance(r.PathValue("id")) })
}
