// Package scrub checks a coded claim before it leaves, the way a payer's
// claim editor would: each edit is a row of a table (Edits) with an ID
// (SC-1, SC-2, …), a severity, the rule of docs/coding-standard.md or the
// profile setting of docs/profiles.md it enforces, its source and the dates
// it is in force, and a small check over a claim.Claim. Check gives the
// findings of one claim; a Batch also finds claims that bill a service
// another claim of the batch, or of a store (Others), already bills.
//
// A claim says less than the episode it was coded from: which therapy is
// dosed weekly, how long each nursing visit lasted. Facts carry that; the
// edits that need them say so (Edit.Needs) and stay silent without them.
package scrub

import (
	"fmt"
	"github.com/perdiem/perdiem/asp"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/profile"
)

// Severity says what a finding means for the claim: an error is denied or
// rejected by the payer as it stands, a warning may be, info is for the
// biller's attention.
type Severity int

// Severities, least first.
const (
	Info Severity = iota
	Warning
	Error
)

var severityNames = [...]string{"info", "warning", "error"}

func (s Severity) String() string {
	if s >= 0 && int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "unknown"
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if n == string(b) {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("severity %q: want info, warning or error", b)
}

// Finding is one edit that fired on a claim.
type Finding struct {
	Edit     string   `json:"edit"`     // the edit's ID, SC-n
	Rule     string   `json:"rule"`     // the coding rule it enforces (PD-1, CS-9, …)
	Severity Severity `json:"severity"` // the edit's severity
	// Line is the 1-based place of the line in Claim.Lines (the LX number
	// on an 837P); 0 when the finding is about the whole claim.
	Line int `json:"line,omitempty"`
	// Segment is the 837P segment position (1-based count in the file) of
	// the line's SV1, or of the claim's CLM for a claim finding; 0 when the
	// claim did not come from X12. Check leaves it 0: the reader of the
	// X12 fills it in (Locate).
	Segment int    `json:"segment,omitempty"`
	Message string `json:"message"`
}

func (f Finding) String() string {
	where := "claim"
	if f.Line > 0 {
		where = fmt.Sprintf("line %d", f.Line)
	}
	return fmt.Sprintf("%s %s %s (%s): %s", where, f.Severity, f.Edit, f.Rule, f.Message)
}

// Locate sets the segment position of each finding: line n's from
// lineSegs[n-1], the claim's from claimSeg.
func Locate(fs []Finding, claimSeg int, lineSegs []int) {
	for i := range fs {
		switch n := fs[i].Line; {
		case n == 0:
			fs[i].Segment = claimSeg
		case n <= len(lineSegs):
			fs[i].Segment = lineSegs[n-1]
		}
	}
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// Options are what the edits are checked against.
type Options struct {
	// Codes is the dated code set; nil means codeset.Default().
	Codes *codeset.Set
	// Profile is the payer profile; nil means the claim's own (Claim.Profile,
	// a shipped profile), or nhia when the claim names none.
	Profile *profile.Profile
	// On picks the edits in force on that day; 0 means those in force on
	// each claim's first day of service.
	On civil.Date
	// Others are claims already stored, for the duplicate edit; nil
	// means none.
	Others Others
	// ASP are CMS's ASP quarters (package asp) with their NDC–HCPCS
	// crosswalks. The drug-unit edit (SC-13) reads the billing units in one
	// item of an NDC from them when the NDC quantity is counted in items
	// (UN) or in millilitres of a code dosed by mass; nil leaves those lines
	// unjudged.
	ASP []*asp.Table
}

// Service is what the duplicate edit compares between claims: one line's
// code and dates for one patient of one payer. Patient is PatientKey of
// the claim.
type Service struct {
	Patient  string
	Code     string
	From, To civil.Date
}

// Others are the claims a store already holds. Billed returns the id of a
// stored claim other than exclude that bills the service s, or "" when
// none does.
type Others interface {
	Billed(s Service, exclude string) (string, error)
}

// PatientKey identifies a claim's patient at its payer: the payer id, the
// member id and, when the patient is not the subscriber, the patient's
// name and date of birth, in upper case with spaces trimmed. A secondary
// payer's claim for the same services has another key: it is not a
// duplicate.
func PatientKey(c *claim.Claim) string {
	var b strings.Builder
	up := func(s string) {
		b.WriteString(strings.ToUpper(strings.TrimSpace(s)))
		b.WriteByte('|')
	}
	up(c.Payer.ID)
	up(c.Subscriber.MemberID)
	if p := c.Patient; p != nil {
		up(p.Last)
		up(p.First)
		b.WriteString(p.DOB.String())
	}
	return b.String()
}

// Check runs every edit in force over one claim. f may be nil. The error
// is that of opt.Others, or an unknown profile.
func Check(c *claim.Claim, f *Facts, opt Options) ([]Finding, error) {
	return NewBatch(opt).Check(c, f)
}

// Batch checks claims one after another and remembers the services of
// each, so a later claim that bills a service an earlier one billed is a
// duplicate (SC-21). A Batch is not safe for concurrent use; its memory
// grows by about 50 bytes for each line checked (a hash of the service in
// a table at most half full, and each claim's id).
type Batch struct {
	opt   Options
	codes *codeset.Set
	view  view
	em    emitter // the findings of the claim being checked

	// seen maps the hash of each service checked (serviceHash) to the
	// index in ids of the first claim that billed it.
	seed maphash.Seed
	seen serviceSet
	ids  []string
	buf  []byte
}

// NewBatch returns an empty batch.
func NewBatch(opt Options) *Batch {
	b := &Batch{opt: opt, codes: opt.Codes, seed: maphash.MakeSeed()}
	if b.codes == nil {
		b.codes = codeset.Default()
	}
	return b
}

// Check runs every edit in force over c and remembers its services; f
// may be nil. Findings come in line order, claim findings first, then by
// edit.
func (b *Batch) Check(c *claim.Claim, f *Facts) ([]Finding, error) {
	p := b.opt.Profile
	if p == nil {
		id := c.Profile
		if id == "" {
			id = "nhia"
		}
		var err error
		if p, err = profile.Get(id); err != nil {
			return nil, errs.Errorf(errs.Invalid, "claim %s: profile %q: %v (give the profile)", c.ID, id, err)
		}
	}
	v := &b.view
	v.reset(c, f, p, b.codes)
	v.asp = b.opt.ASP
	on := b.opt.On
	if on == 0 {
		on = v.first
	}
	em := &b.em
	em.out = em.out[:0]
	for i := range edits {
		e := &edits[i]
		if !e.activeOn(on) || e.Needs == NeedsFacts && f == nil {
			continue
		}
		em.edit = e
		if e.batch != nil {
			if err := e.batch(b, v, em); err != nil {
				return nil, err
			}
		} else {
			e.check(v, em)
		}
	}
	if len(em.out) == 0 {
		return nil, nil
	}
	out := slices.Clone(em.out)
	sortFindings(out)
	return out, nil
}

// sortFindings orders findings by line, claim findings first; the edits
// of one line stay in table order (a stable insertion sort: few findings).
func sortFindings(fs []Finding) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Line < fs[j-1].Line; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// emitter collects one edit's findings.
type emitter struct {
	edit *Edit
	out  []Finding
}

func (e *emitter) add(line int, format string, args ...any) {
	e.out = append(e.out, Finding{Edit: e.edit.ID, Rule: e.edit.Rule, Severity: e.edit.Severity, Line: line, Message: fmt.Sprintf(format, args...)})
}

// duplicate: SC-21. A replacement or void (frequency 7 or 8) refers to
// the claim it replaces: it is remembered, not flagged.
func duplicate(b *Batch, v *view, e *emitter) error {
	c := v.c
	patient := PatientKey(c)
	flag := c.Frequency != "7" && c.Frequency != "8"
	idx := int32(len(b.ids))
	b.ids = append(b.ids, c.ID)
	for i := range v.lines {
		l := &v.lines[i]
		h := b.serviceHash(patient, l.Code, l.From, l.To)
		first, ok := b.seen.firstOrAdd(h, idx)
		switch {
		case !ok:
		case flag && first != idx:
			e.add(l.n, "%s on %s for this patient is billed by claim %s too", l.Code, spanText(l.span), clip(b.ids[first]))
			continue
		}
		if !flag || b.opt.Others == nil {
			continue
		}
		other, err := b.opt.Others.Billed(Service{Patient: patient, Code: l.Code, From: l.From, To: l.To}, c.ID)
		if err != nil {
			return err
		}
		if other != "" {
			e.add(l.n, "%s on %s for this patient is billed by stored claim %s too", l.Code, spanText(l.span), clip(other))
		}
	}
	return nil
}

// serviceHash hashes a service; two services with the same hash are taken
// for the same (a false match among 2^64 values).
func (b *Batch) serviceHash(patient, code string, from, to civil.Date) uint64 {
	buf := append(b.buf[:0], patient...)
	buf = append(buf, 0)
	buf = append(buf, code...)
	buf = append(buf, 0, byte(from), byte(from>>8), byte(from>>16), byte(from>>24), byte(to), byte(to>>8), byte(to>>16), byte(to>>24))
	b.buf = buf
	return maphash.Bytes(b.seed, buf)
}
