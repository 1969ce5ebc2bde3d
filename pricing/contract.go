// Package pricing holds payer contracts and prices coded claims against
// them: what each line should pay, and which contract term set the figure.
//
// A Contract is a JSON file (docs/pricing.md): the payer, whether the
// lesser of the billed charge and the contract amount is paid, and dated
// terms, each with per diem rates by code, the share paid for a second
// (SH) and a third or later (SJ) concurrent therapy, nursing per visit and
// per extra hour, drug prices by one or more bases in order (a fee schedule
// by HCPCS, the provider's price list by NDC, the CMS ASP payment limit),
// fees for supplies and other codes, and the codes not payable.
//
// Money is exact: rates are money.Rate (millionths of a dollar), percents
// are basis points, every product is a big.Rat, and each priced piece of a
// line is rounded once, half up, to the cent.
package pricing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/internal/strictjson"
	"github.com/perdiem/perdiem/money"
)

// Contract is one payer's contract.
type Contract struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Payer  Payer  `json:"payer"`
	Source string `json:"source"` // the agreement and amendments the terms come from
	// LesserOf says the payer pays the lesser of the line's billed charge
	// and the contract amount (when the line has a charge).
	LesserOf bool `json:"lesser_of"`
	// Tolerance is how far a payer's allowed amount may be from the
	// expected one, on a line or a claim, before reconciliation flags it
	// underpaid or overpaid; nil is DefaultTolerance.
	Tolerance *money.Amount `json:"tolerance,omitempty"`
	Terms     []Term        `json:"terms"`
}

// DefaultTolerance is the reconciliation tolerance of a contract that
// names none: a dollar, so that a payer's own rounding is not a finding.
const DefaultTolerance money.Amount = 100

// VarianceTolerance is the contract's reconciliation tolerance: its
// Tolerance, else DefaultTolerance.
func (k *Contract) VarianceTolerance() money.Amount {
	if k.Tolerance != nil {
		return *k.Tolerance
	}
	return DefaultTolerance
}

// Payer is who the contract is with: the payer id claims carry (the 837P
// NM1*PR id) and its name.
type Payer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Term is the contract's rates for a stretch of days. Each term is whole:
// a rate a term does not give is not in force on its days, whatever an
// earlier term said. Terms do not overlap.
type Term struct {
	ID     string      `json:"id"`
	From   civil.Date  `json:"from"`
	To     *civil.Date `json:"to,omitempty"` // the last day, inclusive; none for open-ended
	Source string      `json:"source,omitempty"`

	PerDiem    map[string]money.Rate `json:"per_diem,omitempty"`   // per day, by S-code
	SHPercent  *Percent              `json:"sh_percent,omitempty"` // share of the per diem rate paid on an SH line
	SJPercent  *Percent              `json:"sj_percent,omitempty"` // share paid on an SJ line
	Nursing    *Nursing              `json:"nursing,omitempty"`
	Drugs      []DrugBasis           `json:"drugs,omitempty"`       // tried in order; the first that prices a line sets it
	Fees       map[string]money.Rate `json:"fees,omitempty"`        // per unit, for supplies and other nursing codes
	NotPayable []string              `json:"not_payable,omitempty"` // codes the payer does not pay
}

// Nursing is the nursing schedule: 99601 per visit (up to two hours) and
// 99602 per additional hour.
type Nursing struct {
	Visit     *money.Rate `json:"visit,omitempty"`
	ExtraHour *money.Rate `json:"extra_hour,omitempty"`
}

// The drug bases.
const (
	// FeeSchedule prices HCPCS units at the contract's rate for the code.
	FeeSchedule = "fee-schedule"
	// NDCPrice prices the NDC quantity at the provider's price list (AWP
	// or WAC per NDC unit from their drug file) adjusted by Percent.
	NDCPrice = "ndc-price"
	// ASPLimit prices HCPCS units at the CMS payment limit adjusted by
	// Percent: 0 pays Medicare's limit.
	ASPLimit = "asp-limit"
	// ASP prices HCPCS units at the average sales price adjusted by
	// Percent, where the ASP is the payment limit ÷ 1.06 (the limit is
	// 106 % of ASP): "ASP + 6 %" pays the limit.
	ASP = "asp"
	// PercentOfCharge pays Percent of the line's billed charge.
	PercentOfCharge = "percent-of-charge"
)

var drugBases = []string{FeeSchedule, NDCPrice, ASPLimit, ASP, PercentOfCharge}

// DrugBasis is one way the contract prices drugs.
type DrugBasis struct {
	Basis   string                `json:"basis"`
	Rates   map[string]money.Rate `json:"rates,omitempty"`   // fee-schedule: per HCPCS unit, by code
	File    string                `json:"file,omitempty"`    // ndc-price: a CSV of NDC,price beside the contract
	Name    string                `json:"name,omitempty"`    // ndc-price: what the prices are ("AWP, First Databank, 2026-03-01")
	Percent *Percent              `json:"percent,omitempty"` // the adjustment (-18 for AWP − 18 %), or the share of the charge
	// Prices is the price list of an ndc-price basis by 11-digit NDC,
	// read from File by Load or set by the caller.
	Prices map[string]money.Rate `json:"-"`
}

// Error lists every problem of a contract, each at its field path such as
// terms[1].per_diem.S9500.
type Error struct {
	File     string // the contract file, or "" when decoded from bytes
	Problems []errs.Problem
}

// ErrorCode says a contract with problems is invalid input.
func (e *Error) ErrorCode() errs.Code { return errs.Invalid }

// ErrorProblems returns the problems, each at its field path.
func (e *Error) ErrorProblems() []errs.Problem { return e.Problems }

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if e.File != "" {
			b.WriteString(e.File + ": ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

var checkContract = strictjson.Checker{Type: reflect.TypeFor[Contract](), Noun: "contract", Text: true}

// maxContract bounds a contract file; the price lists it names are read
// separately.
const maxContract = 16 << 20

// Decode reads a contract strictly: unknown fields, fields given twice,
// values of the wrong type, text that is not UTF-8, and values the rules
// refuse (codes that are not HCPCS codes, overlapping terms, a basis with
// fields of another) are errors at their field path. A UTF-8 byte order
// mark is skipped. The price lists of ndc-price bases are not read: see
// Load and ReadPriceList.
func Decode(data []byte) (*Contract, error) {
	if len(data) > maxContract {
		return nil, &Error{Problems: []errs.Problem{{Message: fmt.Sprintf("%d bytes: a contract is at most %d", len(data), maxContract)}}}
	}
	data = strictjson.BlankBOM(data)
	if probs := checkContract.Check(data); len(probs) > 0 {
		return nil, &Error{Problems: probs}
	}
	var k Contract
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&k); err != nil {
		return nil, &Error{Problems: []errs.Problem{{Message: err.Error()}}}
	}
	if probs := k.check(); len(probs) > 0 {
		return nil, &Error{Problems: probs}
	}
	return &k, nil
}

// Load reads a contract file and the price list of each ndc-price basis,
// whose File is relative to the contract's folder.
func Load(path string) (*Contract, error) {
	data, err := readLimited(path, maxContract)
	if err != nil {
		return nil, err
	}
	k, err := Decode(data)
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.File = path
		}
		return nil, err
	}
	for i := range k.Terms {
		for j := range k.Terms[i].Drugs {
			b := &k.Terms[i].Drugs[j]
			if b.Basis != NDCPrice {
				continue
			}
			name := b.File
			if !filepath.IsAbs(name) {
				name = filepath.Join(filepath.Dir(path), name)
			}
			f, err := os.Open(name)
			if err != nil {
				return nil, &Error{File: path, Problems: []errs.Problem{{Path: fmt.Sprintf("terms[%d].drugs[%d].file", i, j), Message: err.Error()}}}
			}
			b.Prices, err = ReadPriceList(f, name)
			f.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	return k, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errs.Errorf(errs.Invalid, "%s: more than %d bytes: a contract is at most that", path, limit)
	}
	return data, nil
}

type checker struct{ probs []errs.Problem }

func (c *checker) add(path, format string, args ...any) {
	c.probs = append(c.probs, errs.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// check applies the rules the JSON types cannot say.
func (k *Contract) check() []errs.Problem {
	var c checker
	if strings.TrimSpace(k.ID) == "" {
		c.add("id", "missing: want the contract's id")
	}
	if strings.TrimSpace(k.Payer.ID) == "" {
		c.add("payer.id", "missing: want the payer id its claims carry (the 837P payer NM1*PR id)")
	}
	if strings.TrimSpace(k.Source) == "" {
		c.add("source", "missing: want the agreement (and amendments) the terms come from")
	}
	if len(k.Terms) == 0 {
		c.add("terms", "missing: want at least one term with its from date and rates")
	}
	if k.Tolerance != nil && *k.Tolerance < 0 {
		c.add("tolerance", "negative: want an amount of zero or more, such as 1.00")
	}
	ids := map[string]int{}
	for i := range k.Terms {
		t := &k.Terms[i]
		p := strictjson.IndexPath("terms", i)
		switch j, dup := ids[t.ID]; {
		case strings.TrimSpace(t.ID) == "":
			c.add(p+".id", "missing: want the term's id, which each priced line cites")
		case dup:
			c.add(p+".id", "%s is also the id of terms[%d]: want ids of their own", quoteShort(t.ID), j)
		default:
			ids[t.ID] = i
		}
		if t.From == 0 {
			c.add(p+".from", "missing: want the first day the term is in force, YYYY-MM-DD")
		}
		if t.To != nil && *t.To < t.From {
			c.add(p+".to", "%s is before from %s", t.To, t.From)
		}
		t.check(&c, p)
	}
	// Terms must not share a day: a line's day is priced by one term.
	order := make([]int, len(k.Terms))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return k.Terms[order[a]].From < k.Terms[order[b]].From })
	for n := 1; n < len(order); n++ {
		a, b := &k.Terms[order[n-1]], &k.Terms[order[n]]
		if a.From == 0 || b.From == 0 {
			continue
		}
		if a.To == nil || *a.To >= b.From {
			c.add(strictjson.IndexPath("terms", order[n])+".from", "%s is inside terms[%d] (%s): terms must not overlap; end the earlier one with \"to\" the day before", b.From, order[n-1], a.span())
		}
	}
	return c.probs
}

func (t *Term) span() string {
	if t.To == nil {
		return t.From.String() + " onwards"
	}
	return t.From.String() + " to " + t.To.String()
}

func (t *Term) check(c *checker, p string) {
	codes(c, p+".per_diem", t.PerDiem)
	if len(t.PerDiem) > 0 {
		if t.SHPercent == nil {
			c.add(p+".sh_percent", "missing: per diem rates need the share paid on a second concurrent therapy (SH), e.g. 50; 100 pays it in full")
		}
		if t.SJPercent == nil {
			c.add(p+".sj_percent", "missing: per diem rates need the share paid on a third or later concurrent therapy (SJ), e.g. 0")
		}
	}
	for name, v := range map[string]*Percent{"sh_percent": t.SHPercent, "sj_percent": t.SJPercent} {
		if v != nil && (*v < 0 || *v > 10_000) {
			c.add(p+"."+name, "%s: want a percent from 0 to 100 of the per diem rate", v)
		}
	}
	if n := t.Nursing; n != nil && n.Visit == nil && n.ExtraHour == nil {
		c.add(p+".nursing", "empty: want visit (99601) or extra_hour (99602), or leave nursing out")
	}
	for j := range t.Drugs {
		t.Drugs[j].check(c, fmt.Sprintf("%s.drugs[%d]", p, j))
	}
	codes(c, p+".fees", t.Fees)
	seen := map[string]bool{}
	for j, code := range t.NotPayable {
		q := fmt.Sprintf("%s.not_payable[%d]", p, j)
		switch {
		case !isHCPCS(code):
			c.add(q, "%s: want a HCPCS code such as E0781", quoteShort(code))
		case seen[code]:
			c.add(q, "%s is listed twice", code)
		}
		seen[code] = true
		_, pd := t.PerDiem[code]
		_, fee := t.Fees[code]
		if pd || fee {
			c.add(q, "%s also has a rate in this term: a code is payable or not", code)
		}
	}
}

func (b *DrugBasis) check(c *checker, p string) {
	if !slices.Contains(drugBases, b.Basis) {
		c.add(p+".basis", "%s: want one of %s", quoteShort(b.Basis), strings.Join(drugBases, ", "))
		return
	}
	// Each basis takes its own fields and no others, so a contract never
	// carries a figure that nothing reads.
	want := map[string][]string{
		FeeSchedule:     {"rates", "percent"},
		NDCPrice:        {"file", "name", "percent"},
		ASPLimit:        {"percent"},
		ASP:             {"percent"},
		PercentOfCharge: {"percent"},
	}[b.Basis]
	given := map[string]bool{"rates": b.Rates != nil, "file": b.File != "", "name": b.Name != "", "percent": b.Percent != nil}
	for _, f := range []string{"rates", "file", "name", "percent"} {
		if given[f] && !slices.Contains(want, f) {
			c.add(p+"."+f, "not used by basis %s: it takes %s", b.Basis, strings.Join(want, ", "))
		}
	}
	switch b.Basis {
	case FeeSchedule:
		if len(b.Rates) == 0 {
			c.add(p+".rates", "missing: want the rate per HCPCS unit by code")
		}
		codes(c, p+".rates", b.Rates)
	case NDCPrice:
		if strings.TrimSpace(b.File) == "" {
			c.add(p+".file", "missing: want the CSV file of NDC,price (per NDC unit), beside the contract")
		}
		if strings.TrimSpace(b.Name) == "" {
			c.add(p+".name", "missing: say what the prices are, e.g. \"AWP, First Databank, 2026-03-01\"")
		}
		if b.Percent == nil {
			c.add(p+".percent", "missing: want the adjustment, e.g. -18 for AWP − 18 %% (0 for none)")
		}
	case ASPLimit, ASP:
		if b.Percent == nil {
			c.add(p+".percent", "missing: want the percent added, e.g. 6 (0 for none)")
		}
	case PercentOfCharge:
		if b.Percent == nil {
			c.add(p+".percent", "missing: want the percent of the billed charge paid, e.g. 40")
		}
	}
	if b.Percent != nil {
		lo := Percent(-10_000)
		if b.Basis == PercentOfCharge {
			lo = 0
		}
		if *b.Percent < lo {
			c.add(p+".percent", "%s: want %s or more", b.Percent, lo)
		}
	}
}

// codes checks the codes of a rate table.
func codes(c *checker, p string, m map[string]money.Rate) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !isHCPCS(k) {
			c.add(p+"."+k, "want a HCPCS code in capitals such as S9500 as the key")
		}
	}
}

// isHCPCS checks the shape of a HCPCS Level I or II code: five characters,
// a capital letter or digit, three digits, and a capital letter or digit.
func isHCPCS(s string) bool {
	if len(s) != 5 || !isAlnum(s[0]) || !isAlnum(s[4]) {
		return false
	}
	return isDigits(s[1:4])
}

func isAlnum(b byte) bool { return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' }

// In reports whether the term is in force on day d.
func (t *Term) In(d civil.Date) bool {
	return t.From <= d && (t.To == nil || d <= *t.To)
}
