package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/workspace"
)

// Accounts.

type newUser struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	var req newUser
	body, err := readJSON(w, r, maxSmall)
	if err != nil {
		return err
	}
	if err := strictDecode(body, &req); err != nil {
		return err
	}
	if _, err := auth.ParseRole(req.Role); err != nil {
		return errs.Invalids([]errs.Problem{{Path: "role", Message: "want admin, biller or auditor"}})
	}
	hash, err := auth.HashPassword(req.Password)
	if err != nil {
		return errs.Invalids([]errs.Problem{{Path: "password", Message: strings.TrimPrefix(err.Error(), "password: ")}})
	}
	// The answer holds no secret, so it may be kept for a retry; the body,
	// which holds the password, is only hashed into the fingerprint.
	return s.write(w, r, body, func(tx *store.Tx) (int, any, error) {
		u, err := tx.CreateUser(req.Name, req.Role, hash)
		return http.StatusCreated, u, err
	})
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		us, next, err := tx.Users(p)
		return newList(us, next), err
	})
}

type newToken struct {
	Name string `json:"name"`
}

type tokenAnswer struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Token  string `json:"token"`
}

// createToken makes a bearer token for a user. Its secret is in this one
// answer and nowhere else (only its hash is stored), so the answer is
// never kept for a retry: a retried request makes another token.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var req newToken
	if err := decodeJSON(w, r, maxSmall, &req); err != nil {
		return err
	}
	id := r.PathValue("id")
	secret, hash := auth.NewSecret(auth.TokenPrefix)
	if err := s.db.Do(r.Context(), actor(r), func(tx *store.Tx) error {
		return tx.CreateToken(id, req.Name, hash)
	}); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tokenAnswer{UserID: id, Name: req.Name, Token: secret})
	return nil
}

// Payers.

type payerBody struct {
	Name      string          `json:"name"`
	ProfileID string          `json:"profile_id"`
	PayerID   string          `json:"payer_id"`
	Contract  json.RawMessage `json:"contract,omitempty"`
}

// readPayer reads and checks the body of POST /v1/payers and PUT
// /v1/payers/{id}: a known profile, a contract pricing can read.
func readPayer(w http.ResponseWriter, r *http.Request) (payerBody, []byte, error) {
	var req payerBody
	body, err := readJSON(w, r, maxSmall)
	if err != nil {
		return req, nil, err
	}
	if err := strictDecode(body, &req); err != nil {
		return req, nil, err
	}
	if req.ProfileID != "" {
		if _, err := profileByID(req.ProfileID, "profile_id"); err != nil {
			return req, nil, err
		}
	}
	if len(req.Contract) > 0 && string(req.Contract) != "null" {
		if _, err := workspace.DecodeContract(req.Contract); err != nil {
			return req, nil, err
		}
	}
	return req, body, nil
}

func (s *Server) createPayer(w http.ResponseWriter, r *http.Request) error {
	req, body, err := readPayer(w, r)
	if err != nil {
		return err
	}
	return s.write(w, r, body, func(tx *store.Tx) (int, any, error) {
		p, err := tx.CreatePayer(store.Payer{Name: req.Name, ProfileID: req.ProfileID, PayerID: req.PayerID, Contract: req.Contract})
		return http.StatusCreated, p, err
	})
}

// updatePayer replaces a payer's name, profile, payer id and contract (a
// contract left out is removed). Claims already made keep the lines they
// were coded with; the new profile codes the payer's next claims, and the
// new contract prices and reconciles from now on.
func (s *Server) updatePayer(w http.ResponseWriter, r *http.Request) error {
	req, body, err := readPayer(w, r)
	if err != nil {
		return err
	}
	return s.write(w, r, body, func(tx *store.Tx) (int, any, error) {
		p, err := tx.UpdatePayer(store.Payer{ID: r.PathValue("id"), Name: req.Name, ProfileID: req.ProfileID, PayerID: req.PayerID, Contract: req.Contract})
		return http.StatusOK, p, err
	})
}

func (s *Server) getPayer(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(tx *store.Tx) (any, error) { return tx.Payer(r.PathValue("id")) })
}

func (s *Server) listPayers(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		ps, next, err := tx.Payers(p)
		return newList(ps, next), err
	})
}

// Patients.

type patientBody struct {
	Name         string          `json:"name"`
	BirthDate    civil.Date      `json:"birth_date"`
	MemberID     string          `json:"member_id"`
	Demographics json.RawMessage `json:"demographics"`
}

func (s *Server) createPatient(w http.ResponseWriter, r *http.Request) error {
	body, err := readJSON(w, r, maxSmall)
	if err != nil {
		return err
	}
	var req patientBody
	if err := strictDecode(body, &req); err != nil {
		return err
	}
	return s.write(w, r, body, func(tx *store.Tx) (int, any, error) {
		p, err := tx.CreatePatient(store.Patient{Name: req.Name, BirthDate: req.BirthDate, MemberID: req.MemberID, Demographics: req.Demographics})
		return http.StatusCreated, p, err
	})
}

func (s *Server) getPatient(w http.ResponseWriter, r *http.Request) error {
	return s.read(w, r, func(tx *store.Tx) (any, error) { return tx.Patient(r.PathValue("id")) })
}

func (s *Server) listPatients(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		ps, next, err := tx.Patients(p)
		return newList(ps, next), err
	})
}

// Episodes.

// episodeAnswer is an episode with the document of one of its versions.
type episodeAnswer struct {
	Episode  store.Episode   `json:"episode"`
	Document json.RawMessage `json:"document"`
}

// readDocument reads and checks an episode document body: a document with
// problems is refused with their field paths, as `perdiem code` would.
func readDocument(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	data, err := readJSON(w, r, maxDocument)
	if err != nil {
		return nil, err
	}
	if _, err := episode.Decode(data); err != nil {
		return nil, err
	}
	return data, nil
}

// rawDocument is a stored document as JSON in an answer: without the byte
// order mark it may have been given with.
func rawDocument(b []byte) json.RawMessage {
	return json.RawMessage(strings.TrimPrefix(string(b), "\uFEFF"))
}

func (s *Server) createEpisode(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	patient, payer := q.Get("patient_id"), q.Get("payer_id")
	if patient == "" {
		return errs.Invalids([]errs.Problem{{Path: "?patient_id", Message: "required: the patient the episode is of"}})
	}
	data, err := readDocument(w, r)
	if err != nil {
		return err
	}
	return s.write(w, r, data, func(tx *store.Tx) (int, any, error) {
		e, err := tx.CreateEpisode(patient, payer, data)
		return http.StatusCreated, e, err
	})
}

func (s *Server) getEpisode(w http.ResponseWriter, r *http.Request) error {
	var a episodeAnswer
	if err := s.db.Do(r.Context(), actor(r), func(tx *store.Tx) error {
		e, v, err := tx.Episode(r.PathValue("id"))
		a = episodeAnswer{Episode: e, Document: rawDocument(v.Document)}
		return err
	}); err != nil {
		return err
	}
	w.Header().Set("ETag", etag(a.Episode.Version))
	writeJSON(w, http.StatusOK, a)
	return nil
}

func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// baseVersion is the version a PUT was made from: If-Match ("3", or W/"3"),
// else ?version=3. Without either the write is refused (428): an edit
// that does not say what it changed could overwrite another's.
func baseVersion(r *http.Request) (int64, error) {
	v := strings.TrimPrefix(strings.TrimSpace(r.Header.Get("If-Match")), "W/")
	where := "If-Match"
	if v == "" {
		v, where = r.URL.Query().Get("version"), "?version"
	} else {
		v = strings.Trim(v, `"`)
	}
	if v == "" {
		return 0, &Error{Status: http.StatusPreconditionRequired, Code: codePrecondition,
			Message: "say which version the edit was made from: If-Match: \"N\" (the ETag of GET) or ?version=N"}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, errs.Invalids([]errs.Problem{{Path: where, Message: "want a version number"}})
	}
	return n, nil
}

func (s *Server) putEpisode(w http.ResponseWriter, r *http.Request) error {
	base, err := baseVersion(r)
	if err != nil {
		return err
	}
	data, err := readDocument(w, r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	return s.write(w, r, data, func(tx *store.Tx) (int, any, error) {
		e, err := tx.UpdateEpisode(id, base, data)
		if err == nil {
			w.Header().Set("ETag", etag(e.Version))
		}
		return http.StatusOK, e, err
	})
}

func (s *Server) listEpisodes(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.EpisodeFilter{PatientID: q.Get("patient_id"), PayerID: q.Get("payer_id"), Status: q.Get("status")}
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		es, next, err := tx.Episodes(f, p)
		return newList(es, next), err
	})
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) error {
	p, err := page(r)
	if err != nil {
		return err
	}
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		vs, next, err := tx.EpisodeVersions(r.PathValue("id"), p)
		return newList(vs, next), err
	})
}

type versionAnswer struct {
	Version  store.EpisodeVersion `json:"version"`
	Document json.RawMessage      `json:"document"`
}

func (s *Server) getVersion(w http.ResponseWriter, r *http.Request) error {
	n, err := strconv.ParseInt(r.PathValue("version"), 10, 64)
	if err != nil || n < 1 {
		return errs.Errorf(errs.NotFound, "no such version")
	}
	return s.read(w, r, func(tx *store.Tx) (any, error) {
		v, err := tx.EpisodeVersion(r.PathValue("id"), n)
		return versionAnswer{Version: v, Document: rawDocument(v.Document)}, err
	})
}
