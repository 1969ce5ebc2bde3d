// Package workspace is the billing workspace's operations on the store:
// coding an episode for a billing period under its payer's profile and
// keeping the claim, building an 837P interchange on the database's
// control counter, receiving 999, 277CA and 835 files and moving the
// claims they answer, and working billing runs. The JSON API (package
// server) and the pages (package web) both call these, so a claim made
// from a page and one made through the API are made the same way; they
// only read the request and write the answer.
//
// Each operation works in a store transaction the caller opens (acting
// for its user), so the caller decides what else is kept with it (the
// API's idempotent answers) and nothing is half kept.
package workspace

import (
	"time"

	"github.com/perdiem/perdiem/asp"
	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/errs"
)

// Options configure a Service.
type Options struct {
	// Codes is the code set of coding and of the 837P; nil is the
	// embedded one.
	Codes *codeset.Set
	// Now is the clock of the interchanges' ISA and GS dates; nil is
	// time.Now.
	Now func() time.Time
	// ASP are the CMS ASP quarters the asp and asp-limit drug bases of
	// the payers' contracts price by; without them those lines are
	// unpriced.
	ASP []*asp.Table
}

// Service does the workspace's operations with one code set and clock.
// It holds no state of its own: one Service serves any number of
// requests at once.
type Service struct {
	codes *codeset.Set
	now   func() time.Time
	asp   []*asp.Table
}

// New returns a Service with opt.
func New(opt Options) *Service {
	s := &Service{codes: opt.Codes, now: opt.Now, asp: opt.ASP}
	if s.codes == nil {
		s.codes = codeset.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Codes is the code set the Service codes and builds with.
func (s *Service) Codes() *codeset.Set { return s.codes }

// CheckPeriod checks a billing period: both dates given, from not after
// to. Its problems have the paths "from" and "to".
func CheckPeriod(from, to civil.Date) (civil.Span, error) {
	var probs []errs.Problem
	if from == 0 {
		probs = append(probs, errs.Problem{Path: "from", Message: "required (YYYY-MM-DD)"})
	}
	if to == 0 {
		probs = append(probs, errs.Problem{Path: "to", Message: "required (YYYY-MM-DD)"})
	}
	if from != 0 && to != 0 && to < from {
		probs = append(probs, errs.Problem{Path: "to", Message: "before from"})
	}
	if len(probs) > 0 {
		return civil.Span{}, errs.Invalids(probs)
	}
	return civil.Span{From: from, To: to}, nil
}
