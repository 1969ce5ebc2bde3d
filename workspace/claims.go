package workspace

import (
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/profile"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/x12/x837p"
)

// EpisodeProfile is the profile an episode's claims are coded under: its
// payer's, or nil (the document's own "profile") when it has no payer. A
// payer whose profile is not one of the shipped ones is a problem at
// "payer.profile_id".
func EpisodeProfile(tx *store.Tx, e store.Episode) (*profile.Profile, error) {
	if e.PayerID == "" {
		return nil, nil
	}
	p, err := tx.Payer(e.PayerID)
	if err != nil {
		return nil, err
	}
	prof, err := profile.Get(p.ProfileID)
	if err != nil {
		return nil, errs.Invalids([]errs.Problem{{Path: "payer.profile_id", Message: err.Error()}})
	}
	return prof, nil
}

// ClaimProfile is the profile a stored claim is checked under: its
// payer's, by the rule of EpisodeProfile that coded it, else the profile
// the claim itself names, else nhia (the default). A claim naming a
// profile that is not shipped is a problem at "claim.profile".
func ClaimProfile(tx *store.Tx, c store.Claim) (*profile.Profile, error) {
	prof, err := EpisodeProfile(tx, store.Episode{ID: c.EpisodeID, PatientID: c.PatientID, PayerID: c.PayerID})
	if err != nil || prof != nil {
		return prof, err
	}
	if c.Claim == nil || c.Claim.Profile == "" {
		return profile.Default(), nil
	}
	if prof, err = profile.Get(c.Claim.Profile); err != nil {
		return nil, errs.Invalids([]errs.Problem{{Path: "claim.profile", Message: err.Error()}})
	}
	return prof, nil
}

// CodingOptions are the options an episode is coded with: the Service's
// code set and the episode's payer's profile. A calendar or a preview
// coded with them shows what the episode's claim will bill.
func (s *Service) CodingOptions(tx *store.Tx, e store.Episode) (coding.Options, error) {
	prof, err := EpisodeProfile(tx, e)
	return coding.Options{Profile: prof, Codes: s.codes}, err
}

// Coded is an episode's version coded for a billing period, ready to be
// kept as a claim under Claim.ID, the id its reasons name.
type Coded struct {
	Episode store.Episode
	Version int64
	Profile *profile.Profile // the payer's; nil for the document's own
	Claim   *claim.Claim
	Result  *claim.Result
}

// CodeEpisode reads the episode episodeID and codes its current version
// for period under its payer's profile, as the claim CreateClaim keeps.
func (s *Service) CodeEpisode(tx *store.Tx, episodeID string, period civil.Span) (Coded, error) {
	e, v, err := tx.Episode(episodeID)
	if err != nil {
		return Coded{}, err
	}
	opt, err := s.CodingOptions(tx, e)
	if err != nil {
		return Coded{}, err
	}
	cl, res, err := s.codeClaim(v.Document, period, opt)
	if err != nil {
		return Coded{}, err
	}
	return Coded{Episode: e, Version: v.Version, Profile: opt.Profile, Claim: cl, Result: res}, nil
}

// codeClaim codes an episode document for a billing period into a claim,
// as `perdiem claim` would: the document's claim block says who bills
// whom. The claim is built as an 837P too, so a claim that could not be
// sent is refused now, with the path in the document of what is wrong,
// not when an interchange is made.
func (s *Service) codeClaim(data []byte, period civil.Span, opt coding.Options) (*claim.Claim, *claim.Result, error) {
	doc, err := episode.Decode(data)
	if err != nil {
		return nil, nil, err
	}
	if doc.Claim == nil {
		return nil, nil, errs.Invalids([]errs.Problem{{Path: "claim", Message: "the episode's document has no claim block: add one (docs/input-format.md) to make claims"}})
	}
	doc.Period = &episode.Period{From: period.From, To: period.To}
	// The claim's id is made now, not by the store, so that the lines'
	// reasons (LN-4) and the 837P check below see the id it is kept under.
	doc.Claim.ID = store.NewID("C")
	if probs := doc.ValidateClaim(); len(probs) > 0 {
		return nil, nil, &episode.Error{Problems: probs}
	}
	res, err := coding.Code(doc, opt)
	if err != nil {
		return nil, nil, err
	}
	if len(res.Lines) == 0 {
		return nil, nil, errs.Invalids([]errs.Problem{{Path: "from", Message: "nothing to bill from " + period.From.String() + " to " + period.To.String()}})
	}
	cl, err := coding.Claim(doc, res)
	if err != nil {
		return nil, nil, err
	}
	c, err := x837p.Build(cl, x837p.Options{Codes: s.codes})
	if err != nil {
		return nil, nil, coding.InDocument(doc, cl, err)
	}
	if _, err := x837p.Split(c); err != nil {
		return nil, nil, errs.Invalids([]errs.Problem{{Path: "claim.id", Message: err.Error()}})
	}
	return cl, res, nil
}

// CreateClaim codes the current version of episode episodeID for period
// (CodeEpisode) and keeps the claim as a draft that remembers the version
// it came from.
func (s *Service) CreateClaim(tx *store.Tx, episodeID string, period civil.Span) (store.Claim, error) {
	ce, err := s.CodeEpisode(tx, episodeID, period)
	if err != nil {
		return store.Claim{}, err
	}
	return tx.CreateClaim(store.NewClaim{ID: ce.Claim.ID, EpisodeID: episodeID, EpisodeVersion: ce.Version, Claim: *ce.Claim, Result: *ce.Result})
}
