package server

import (
	"net/http"

	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/profile"
)

// codingOptions is the code set of the server and the profile of the
// request's ?profile=ID, which overrides the document's as --profile does
// on the command line.
func (s *Server) codingOptions(r *http.Request) (coding.Options, error) {
	opt := coding.Options{Codes: s.codes}
	if id := r.URL.Query().Get("profile"); id != "" {
		p, err := profileByID(id, "?profile")
		if err != nil {
			return opt, err
		}
		opt.Profile = p
	}
	return opt, nil
}

// profileByID is the shipped payer profile id; an unknown one is a
// problem at path.
func profileByID(id, path string) (*profile.Profile, error) {
	p, err := profile.Get(id)
	if err != nil {
		return nil, errs.Invalids([]errs.Problem{{Path: path, Message: err.Error()}})
	}
	return p, nil
}

// code answers POST /v1/code: the episode document in the body coded into
// lines and warnings, the same JSON as `perdiem code` prints.
func (s *Server) code(w http.ResponseWriter, r *http.Request) error {
	opt, err := s.codingOptions(r)
	if err != nil {
		return err
	}
	data, err := readJSON(w, r, maxDocument)
	if err != nil {
		return err
	}
	doc, err := episode.Decode(data)
	if err != nil {
		return err
	}
	res, err := coding.Code(doc, opt)
	if err != nil {
		return err
	}
	writeIndentedJSON(w, http.StatusOK, res)
	return nil
}
