// Package coding is the engine: it turns a validated episode document into
// the coded lines of an NHIA per diem claim, each with the rule IDs of
// coding-standard.md that made it, plus warnings for everything it dropped
// or could not code specifically.
//
// The engine works day by day inside the billing period: it decides for each
// therapy whether the day is a per diem day (PD-1…PD-7) and which code it
// carries (CS-1…CS-11), ranks concurrent therapies (CC-1…CC-5), then joins
// equal consecutive days into lines (LN-1…LN-3). Nursing (NU-*), drugs
// (DR-*) and supplies (IN-*) are coded beside the per diems.
package coding

import (
	"math"
	"math/bits"
	"slices"
	"strconv"
	"sync"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/profile"
)

// Options choose the payer profile and code set. The zero value codes with
// the document's own profile (or nhia) and the embedded code set.
type Options struct {
	// Profile overrides the document's "profile" field when set.
	Profile *profile.Profile
	Codes   *codeset.Set
}

// Code codes one validated document. Problems the decoder cannot see (a
// drug dose that cannot be converted to its HCPCS unit, a code outside its
// effective dates) come back as *episode.Error with field paths; nothing is
// coded then.
func Code(doc *episode.Document, opt Options) (*claim.Result, error) {
	return codeWith(doc, opt, nil)
}

// codeWith is Code, with the result's memory taken from k when it is not nil.
func codeWith(doc *episode.Document, opt Options, k *Coder) (*claim.Result, error) {
	p := opt.Profile
	if p == nil {
		id := doc.Profile
		if id == "" {
			id = "nhia"
		}
		var err error
		if p, err = profile.Get(id); err != nil {
			return nil, &episode.Error{Problems: []episode.Problem{{Path: "profile", Message: err.Error()}}}
		}
	}
	cs := opt.Codes
	if cs == nil {
		cs = codeset.Default()
	}
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	c := coder{doc: doc, prof: p, s: &p.Settings, codes: cs,
		dayBase: sc.days[:0], tdBuf: sc.tds[:0], therapies: sc.therapies[:0], lines: sc.lines[:0], meta: sc.meta[:0],
		choiceBuf: sc.choices[:0], choiceRef: sc.choiceRef[:0], sortedMeta: sc.sortedMeta[:0], text: sc.text[:0], memo: &sc.memo}
	if k != nil {
		c.why, c.mods, c.warnings, c.out = k.why, k.mods, k.warnings[:0], k.lines[:0]
	}
	r, err := c.run()
	sc.keep(&c)
	if err != nil {
		return nil, err
	}
	if k != nil {
		k.keep(&c, r)
		return &k.res, nil
	}
	return &r, nil
}

// Coder codes documents one after another as Code does, reusing the memory
// of the result it returned last: a Result it returns (its lines, their
// reasons and modifiers, the warnings) is valid only until its next call to
// Code. A batch that writes each result before coding the next document
// allocates little more than the texts of the reasons that way. A Coder is
// not safe for concurrent use.
type Coder struct {
	res      claim.Result
	lines    []claim.Line
	why      []claim.Reason
	mods     []string
	warnings []claim.Warning
}

// Code codes one validated document as the package's Code does; it writes
// over the Result the previous call returned.
func (k *Coder) Code(doc *episode.Document, opt Options) (*claim.Result, error) {
	return codeWith(doc, opt, k)
}

// keep takes the memory of the result r of c for the next call: the lines,
// and a block of reasons and modifiers as large as this call used, so that
// the next document of the same size allocates none.
func (k *Coder) keep(c *coder, r claim.Result) {
	k.res = r
	if cap(c.lines) <= maxScratchLines {
		k.lines = c.lines
	}
	if cap(c.warnings) <= maxScratchLines {
		k.warnings = c.warnings
	}
	if c.whyUsed > len(k.why) && c.whyUsed <= maxScratchDays {
		k.why = make([]claim.Reason, c.whyUsed+c.whyUsed/4)
	}
	if c.modsUsed > len(k.mods) && c.modsUsed <= maxScratchDays {
		k.mods = make([]string, c.modsUsed+c.modsUsed/4)
	}
}

// scratch is the working memory of one Code call that does not outlive
// it: the calendars, the therapies, their codes and the lines before they
// are sorted into the result. It is reused across calls through scratchPool, so
// coding a batch allocates little more than the results themselves.
type scratch struct {
	days      []day
	daysUsed  int // days[:daysUsed] were handed out, and need clearing
	tds       []therapyDays
	therapies []*therapyDays
	lines     []claim.Line
	meta      []lineMeta
	// sortedMeta receives meta in the lines' final order.
	sortedMeta []lineMeta
	choices    []choice
	choiceRef  []*choice
	text       []byte
	memo       memo
}

// memo keeps what a coder made for the calls after it: a batch's documents
// make the same texts over and over.
type memo struct {
	made [1 << madeBits]string // the texts newText made, by textSlot
	ndcs [1 << ndcBits]seenNDC // the NDCs ndc normalised, by textSlot
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// maxScratchDays and maxScratchLines bound what a pooled scratch keeps
// (about 1 MiB each), so one huge document does not pin its memory for the
// rest of a batch.
const (
	maxScratchDays  = 1 << 16
	maxScratchLines = 1 << 12
	maxScratchText  = 1 << 12
)

// keep takes back the (possibly regrown) buffers of c for the next call.
func (sc *scratch) keep(c *coder) {
	sc.days = c.dayBase
	sc.daysUsed = len(c.dayBase) - len(c.dayBuf)
	sc.tds = c.tdBuf
	sc.therapies = c.therapies
	sc.lines, sc.meta, sc.sortedMeta = c.lines, c.meta, c.sortedMeta
	if c.sorted { // c.lines is the result's now, whatever c.unsorted holds
		sc.lines, sc.meta, sc.sortedMeta = c.unsorted, c.unsortedMeta, c.meta
	}
	sc.choices = c.choiceBuf
	sc.choiceRef = c.choiceRef
	if cap(c.text) <= maxScratchText {
		sc.text = c.text
	}
}

// release clears what the buffers point to and returns sc to the pool.
func (sc *scratch) release() {
	if cap(sc.days) > maxScratchDays || cap(sc.lines) > maxScratchLines || cap(sc.tds) > maxScratchLines ||
		cap(sc.choices) > maxScratchLines || cap(sc.choiceRef) > maxScratchDays {
		return
	}
	clear(sc.days[:sc.daysUsed])
	clear(sc.tds)
	clear(sc.therapies)
	clear(sc.lines)
	clear(sc.meta)
	clear(sc.sortedMeta)
	clear(sc.choices)
	clear(sc.choiceRef)
	sc.days, sc.tds, sc.therapies, sc.lines, sc.meta = sc.days[:0], sc.tds[:0], sc.therapies[:0], sc.lines[:0], sc.meta[:0]
	sc.choices, sc.choiceRef, sc.sortedMeta = sc.choices[:0], sc.choiceRef[:0], sc.sortedMeta[:0]
	scratchPool.Put(sc)
}

// coder holds the state of coding one document.
type coder struct {
	doc    *episode.Document
	prof   *profile.Profile
	s      *profile.Settings
	codes  *codeset.Set
	texts  *reasons
	period civil.Span

	therapies []*therapyDays
	dayBuf    []day          // the part of dayBase not yet handed out
	dayBase   []day          // the whole calendar buffer of this call
	why       []claim.Reason // reasons handed out by keepWhy
	mods      []string       // modifiers handed out by keepMods
	whyUsed   int            // reasons handed out in this call
	modsUsed  int            // modifiers handed out in this call
	out       []claim.Line   // room for the sorted lines, from a Coder
	choiceBuf []choice       // the choices of this call (newChoice)
	choiceRef []*choice      // backing of the therapies' choices lists
	text      []byte         // where newText's texts are built
	memo      *memo          // what earlier calls made, to make it no more
	tdBuf     []therapyDays  // backing store of therapies, never regrown
	lines     []claim.Line
	meta      []lineMeta // meta[i] belongs to lines[i]
	// sortLines leaves the scratch lists it sorted from here, and takes
	// sortedMeta for the meta in order. They are nil when a fresh scratch
	// had no lines to sort, so sorted says whether sortLines ran.
	sorted       bool
	unsorted     []claim.Line
	unsortedMeta []lineMeta
	sortedMeta   []lineMeta
	warnings     []claim.Warning
	problems     []episode.Problem

	// looked holds the last codes looked up (lookup): a document names a
	// handful of codes, each on many lines and checks.
	looked   [8]lookedUp
	nextLook int
}

type lookedUp struct {
	name string
	word uint64 // nameWord(name)
	code *codeset.Code
	ok   bool
}

// lookup is c.codes.Lookup, remembering the last few codes asked for.
func (c *coder) lookup(name string) (*codeset.Code, bool) {
	w := nameWord(name)
	for i := range min(c.nextLook, len(c.looked)) {
		if l := &c.looked[i]; l.word == w && len(l.name) == len(name) && (len(name) <= 8 || l.name == name) {
			return l.code, l.ok
		}
	}
	code, ok := c.codes.Lookup(name)
	c.looked[c.nextLook%len(c.looked)] = lookedUp{name, w, code, ok}
	c.nextLook++
	return code, ok
}

// nameWord holds the bytes of a name of at most eight bytes in one word,
// so that two such names of one length are equal when their words are:
// a code's first four bytes and its last four, which overlap in the usual
// five. A longer name's word is the same of its ends only.
func nameWord(s string) uint64 {
	if len(s) < 4 {
		var w uint64
		for i := 0; i < len(s); i++ {
			w = w<<8 | uint64(s[i])
		}
		return w
	}
	return uint64(load4(s, 0)) | uint64(load4(s, len(s)-4))<<32
}

// load4 reads s[i:i+4] as one little-endian word.
func load4(s string, i int) uint32 {
	t := s[i : i+4]
	return uint32(t[0]) | uint32(t[1])<<8 | uint32(t[2])<<16 | uint32(t[3])<<24
}

func (c *coder) warn(rule, format string, args ...any) {
	c.warnings = append(c.warnings, claim.Warning{Rule: rule, Message: sprintf(format, args...)})
}

func (c *coder) fail(path ref, format string, args ...any) {
	c.problems = append(c.problems, episode.Problem{Path: path.String(), Message: sprintf(format, args...)})
}

// maxPeriodDays bounds the days coded at once: ten years is more than any
// billing period or episode, and keeps absurd dates from costing minutes.
const maxPeriodDays = 3660

func (c *coder) run() (claim.Result, error) {
	c.period = c.billingPeriod()
	if n := c.period.Days(); n > maxPeriodDays {
		path := ref{field: "period"}
		if c.doc.Period == nil {
			path.field = ""
		}
		c.fail(path, "the billing period %s..%s spans %d days; at most %d (ten years) are coded at once: give a shorter period", c.period.From, c.period.To, n, maxPeriodDays)
		return claim.Result{}, &episode.Error{Problems: c.problems}
	}
	c.perDiems()
	c.nursing()
	c.drugs()
	c.supplies()
	c.exclusions()
	c.checkDates()
	c.outsidePeriod()
	c.medicare()
	if len(c.problems) > 0 {
		return claim.Result{}, &episode.Error{Problems: c.problems}
	}
	c.sortLines() // from here on c.lines is the result's
	c.extendedVisits()
	if c.warnings == nil {
		c.warnings = []claim.Warning{}
	}
	return claim.Result{Profile: c.prof.ID, Period: c.period, Lines: c.lines, Warnings: c.warnings}, nil
}

// billingPeriod is the document's period, or the whole episode (LN-3).
func (c *coder) billingPeriod() civil.Span {
	if p := c.doc.Period; p != nil {
		return civil.Span{From: p.From, To: p.To}
	}
	var sp civil.Span
	first := true
	see := func(d civil.Date) {
		if first || d < sp.From {
			sp.From = d
		}
		if first || d > sp.To {
			sp.To = d
		}
		first = false
	}
	for i := range c.doc.Therapies {
		t := &c.doc.Therapies[i]
		see(t.Start)
		if t.End != nil {
			see(*t.End)
		}
		for _, h := range t.Holds {
			see(h.From)
			see(h.To)
		}
		for _, d := range t.InfusionDays {
			see(d)
		}
	}
	for i := range c.doc.Visits {
		see(c.doc.Visits[i].Date)
	}
	for i := range c.doc.Drugs {
		see(c.doc.Drugs[i].From)
		see(c.doc.Drugs[i].To)
	}
	for i := range c.doc.Supplies {
		see(c.doc.Supplies[i].Date)
	}
	return sp
}

// outsidePeriod says what the period leaves for other claims (LN-3), so
// nothing disappears from the biller's view without a word.
func (c *coder) outsidePeriod() {
	for i := range c.doc.Therapies {
		t := &c.doc.Therapies[i]
		before := t.Start < c.period.From
		after := t.End != nil && *t.End > c.period.To
		if before || after {
			c.warn("LN-3", "therapy %s runs %s..%s; only its days inside the billing period %s..%s are on this claim", t.ID, t.Start, endText(t.End), c.period.From, c.period.To)
		}
	}
	visits, drugs, supplies := 0, 0, 0
	for i := range c.doc.Visits {
		if !c.period.Contains(c.doc.Visits[i].Date) {
			visits++
		}
	}
	for i := range c.doc.Drugs {
		if !c.period.Contains(c.doc.Drugs[i].From) {
			drugs++
		}
	}
	for i := range c.doc.Supplies {
		if !c.period.Contains(c.doc.Supplies[i].Date) {
			supplies++
		}
	}
	if visits+drugs+supplies > 0 {
		c.warn("LN-3", "left for the claim of their own period: %d visit(s), %d drug(s), %d supply item(s) dated outside %s..%s", visits, drugs, supplies, c.period.From, c.period.To)
	}
}

// medicare warns when the claim goes to Medicare, which does not pay the
// NHIA per diems (MC-1).
func (c *coder) medicare() {
	cl := c.doc.Claim
	if cl == nil || (cl.Payer.Filing != "MA" && cl.Payer.Filing != "MB") {
		return
	}
	for i := range c.lines {
		if c.lines[i].Kind == claim.PerDiem {
			c.warn("MC-1", "the payer is Medicare (filing %s): S-code per diems are not payable; Medicare's home infusion benefit bills G0068-G0070 per visit day (docs/medicare-hit.md), or send the per diems with GY only to obtain a denial for a secondary payer", cl.Payer.Filing)
			return
		}
	}
}

func endText(d *civil.Date) string {
	if d == nil {
		return "(no end)"
	}
	return d.String()
}

// checkDates enforces CS-10: every line's code must be in effect on every
// day of its span. A code out of its dates is an error, never a substitution.
// Lines of one item and code out of their dates are reported together, as
// one span.
func (c *coder) checkDates() {
	type outOfDates struct {
		path     ref
		code     *codeset.Code
		from, to civil.Date
	}
	var bad []outOfDates
	for i := range c.lines {
		l := &c.lines[i]
		code, ok := c.lookup(l.Code)
		if !ok {
			c.fail(c.meta[i].path, "code %s is not in the code set", l.Code)
			continue
		}
		if code.ActiveOn(l.From) && code.ActiveOn(l.To) {
			continue
		}
		if n := len(bad); n > 0 && bad[n-1].path == c.meta[i].path && bad[n-1].code == code {
			bad[n-1].from, bad[n-1].to = min(bad[n-1].from, l.From), max(bad[n-1].to, l.To)
			continue
		}
		bad = append(bad, outOfDates{c.meta[i].path, code, l.From, l.To})
	}
	for _, b := range bad {
		c.fail(b.path, "CS-10: %s is not billable on %s..%s (%s)", b.code.Code, b.from, b.to, codeDates(b.code))
	}
}

func codeDates(c *codeset.Code) string {
	s := "effective " + c.Effective.String()
	if c.Terminated != nil {
		s += ", terminated " + c.Terminated.String()
	}
	return s
}

// sortLines orders lines by from, per diem before nursing before drugs
// before supplies, then code (input-format.md), keeping their meta beside
// them. It sorts indexes, then moves each line once along the cycles of the
// permutation: lines are large, and a claim has a few dozen of them.
func (c *coder) sortLines() {
	ls := c.lines
	var small [64]int32
	idx := small[:0]
	for i := range ls {
		idx = append(idx, int32(i))
	}
	slices.SortStableFunc(idx, func(x, y int32) int {
		switch {
		case lineBefore(&ls[x], &ls[y]):
			return -1
		case lineBefore(&ls[y], &ls[x]):
			return 1
		}
		return 0
	})
	// idx[k] is the line that belongs at k: the lines go in that order
	// into the result's own list, the meta into the scratch's second list.
	out := c.out[:0]
	if cap(out) < len(ls) {
		out = make([]claim.Line, len(ls))
	}
	out = out[:len(ls)]
	meta := c.sortedMeta[:0]
	for _, i := range idx {
		meta = append(meta, c.meta[i])
	}
	for k, i := range idx {
		out[k] = ls[i]
	}
	c.sorted, c.unsorted, c.unsortedMeta = true, ls, c.meta
	c.lines, c.meta, c.sortedMeta = out, meta, nil
}

func lineBefore(a, b *claim.Line) bool {
	if a.From != b.From {
		return a.From < b.From
	}
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	return a.Code < b.Code
}

// reasons are the profile-dependent texts of why, built once per profile.
// Each reason a profile setting decided names the profile and the setting.
type reasons struct {
	pd1, pd1Intermittent, pd6Infusion, pd6Elapsed  claim.Reason
	cc3, suite, span, unusedSV, drugHCPCS, drugPOS claim.Reason
	// cc2 says what ranked a line among concurrent therapies, by the
	// criterion that decided (rankByRate, rankByStart, rankByOrder);
	// ln5 goes with a rank the contracted rates decided.
	cc2    [3]claim.Reason
	ln5    claim.Reason
	visits [4]visitKind
	// nu2 ends the NU-2 reason of a 99602 line, after its minutes.
	nu2 string
}

// shippedReasons caches the texts of the shipped profiles, a fixed set.
var shippedReasons sync.Map // *profile.Profile -> *reasons

// reasons returns the profile's texts. Those of a shipped profile are built
// once; those of a caller's own profile once per coding, since a cache keyed
// by such profiles would grow for callers that load one per document.
func (c *coder) reasons() *reasons {
	if c.texts != nil {
		return c.texts
	}
	if profile.IsShipped(c.prof) {
		if v, ok := shippedReasons.Load(c.prof); ok {
			c.texts = v.(*reasons)
			return c.texts
		}
		v, _ := shippedReasons.LoadOrStore(c.prof, newReasons(c.prof))
		c.texts = v.(*reasons)
		return c.texts
	}
	c.texts = newReasons(c.prof)
	return c.texts
}

// setting names the profile setting behind a reason, to end its text:
// " (profile nhia, setting span: calendar-month)".
func setting(p *profile.Profile, name, value string) string {
	return " (profile " + p.ID + ", setting " + name + ": " + value + ")"
}

func (c *coder) setting(name, value string) string { return setting(c.prof, name, value) }

func newReasons(p *profile.Profile) *reasons {
	s := &p.Settings
	days := setting(p, "per_diem_days", s.PerDiemDays)
	primary := setting(p, "primary_therapy", s.PrimaryTherapy)
	suitePOS := setting(p, "suite_pos", s.SuitePOS)
	r := &reasons{
		pd1:             claim.Reason{Rule: "PD-1", Text: "one unit per day of access to the therapy" + days},
		pd1Intermittent: claim.Reason{Rule: "PD-1", Text: "one unit per day of access to the therapy, which is not a continuous infusion counted by the hour" + days},
		pd6Infusion:     claim.Reason{Rule: "PD-6", Text: "only days with an infusion or a nursing visit count" + days},
		pd6Elapsed:      claim.Reason{Rule: "PD-6", Text: "a continuous infusion counts one per diem per 24 hours elapsed" + days},
		cc3:             claim.Reason{Rule: "CC-3", Text: s.ConcurrencyExtraModifier + " with SH/SJ" + setting(p, "concurrency_extra_modifier", s.ConcurrencyExtraModifier)},
		suite:           claim.Reason{Rule: "LN-1", Text: "infusion suite -> SS, place of service " + s.SuitePOS + suitePOS},
		span:            claim.Reason{Rule: "LN-2", Text: "consecutive days with the same code, modifiers and site" + setting(p, "span", s.Span)},
		visits:          visitKinds(claim.Reason{Rule: "LN-1", Text: "place of service " + s.SuitePOS + suitePOS}),
		unusedSV:        claim.Reason{Rule: "DR-4", Text: "delivered but not used -> SV" + setting(p, "unused_drug", s.UnusedDrug)},
		drugHCPCS:       claim.Reason{Rule: "DR-5", Text: "the drug's own HCPCS code with its NDC" + setting(p, "drug_coding", s.DrugCoding)},
		drugPOS:         claim.Reason{Rule: "LN-1", Text: "given in the infusion suite -> place of service " + s.SuitePOS + suitePOS},
		nu2:             "a part hour counting from " + strconv.Itoa(s.NursingExtraHourMinutes) + " minutes" + setting(p, "nursing_extra_hour_minutes", strconv.Itoa(s.NursingExtraHourMinutes)),
		ln5:             claim.Reason{Rule: "LN-5", Text: "the profile's contracted per diem rates ranked this line (CC-2); they decide nothing else in coding, and the line's charge is priced apart from them"},
	}
	switch s.PrimaryTherapy {
	case profile.PrimaryFirstBilled:
		r.cc2[rankByOrder] = claim.Reason{Rule: "CC-2", Text: "ranked among the concurrent therapies in document order" + primary}
	case profile.PrimaryRate:
		r.cc2[rankByRate] = claim.Reason{Rule: "CC-2", Text: "ranked among the concurrent therapies by contracted rate, the higher first" + primary}
		r.cc2[rankByOrder] = claim.Reason{Rule: "CC-2", Text: "ranked among the concurrent therapies by contracted rate; equal rates keep document order" + primary}
	default:
		r.cc2[rankByRate] = claim.Reason{Rule: "CC-2", Text: "ranked among the concurrent therapies by contracted rate, the higher first" + primary}
		r.cc2[rankByStart] = claim.Reason{Rule: "CC-2", Text: "ranked among the concurrent therapies by start, the earlier first, the rates not deciding" + primary}
		r.cc2[rankByOrder] = claim.Reason{Rule: "CC-2", Text: "ranked among the concurrent therapies: same start and the rates not deciding, so document order" + primary}
	}
	return r
}

// ref names a field of the document; the path text is built only when a
// problem or warning needs it, off the hot path.
type ref struct {
	list  string // "therapies", "visits", "drugs", "supplies"; "" for the document
	i     int
	field string
}

func (r ref) String() string {
	if r.list == "" {
		return r.field
	}
	var buf [64]byte
	return string(r.appendTo(buf[:0]))
}

// appendTo appends r as String writes it.
func (r ref) appendTo(b []byte) []byte {
	if r.list == "" {
		return append(b, r.field...)
	}
	b = append(b, r.list...)
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(r.i), 10)
	b = append(b, ']')
	if r.field != "" {
		b = append(b, '.')
		b = append(b, r.field...)
	}
	return b
}

// dot names a field of the item r names.
func (r ref) dot(field string) ref { r.field = field; return r }

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// appendNumber appends f as formatNumber writes it.
func appendNumber(b []byte, f float64) []byte {
	if f >= 1 && f < 1e15 && f == math.Trunc(f) {
		// A whole number, the usual case: the same digits.
		return strconv.AppendInt(b, int64(f), 10)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// textBuf returns the coder's buffer, empty, for a reason's text built
// part by part: the parts are appended there and newText makes the text
// one string, one allocation, where + would make one for each number and
// one to join them.
func (c *coder) textBuf() []byte { return c.text[:0] }

// newText returns the text built in b, which textBuf gave, and keeps b's
// memory for the next. A text made before, in this call or an earlier one,
// is returned again instead of copied: a batch's documents make the same
// texts over and over (a drug's NDC and doses, a visit's minutes), and a
// text kept at one address is one the claim writer remembers as plain.
func (c *coder) newText(b []byte) string {
	c.text = b
	e := &c.memo.made[textSlot(b, madeBits)]
	if *e != string(b) {
		*e = string(b)
	}
	return *e
}

// textSlot picks one of 1<<log2 entries for a text from its length and its
// first, middle and last eight bytes: the texts of one kind differ in a
// number or a code somewhere in them.
func textSlot[T string | []byte](b T, log2 uint) int {
	n := len(b)
	h := uint64(n)
	if n >= 8 {
		h ^= load8(b, 0) ^ bits.RotateLeft64(load8(b, n/2-4), 21) ^ bits.RotateLeft64(load8(b, n-8), 42)
	} else {
		for i := 0; i < n; i++ {
			h = h<<8 | uint64(b[i])
		}
	}
	return int(h * 0x9E3779B97F4A7C15 >> (64 - log2))
}

// load8 reads b[i:i+8] as one little-endian word.
func load8[T string | []byte](b T, i int) uint64 {
	t := b[i : i+8]
	return uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
		uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
}

// madeBits is the log2 of the texts newText keeps.
const madeBits = 8

// lineMeta says where a coded line came from in the document, so that a
// problem found late (CS-10) still names its field path.
type lineMeta struct {
	path   ref
	supply bool // from supplies[]: may be dropped for an exclusion group (CS-9)
}

// keepWhy copies reasons built in a caller's buffer into the reasons of
// this call, handed out from one block so that a document's lines share
// a few allocations. The copy's capacity is its length, so an append to
// it copies rather than writing over the next line's reasons.
func (c *coder) keepWhy(why []claim.Reason) []claim.Reason { return c.keepWhyRoom(why, 0) }

// newChoice keeps ch among the choices of this call and returns its
// address, distinct for each call as therapyDays.choices needs. Blocks are
// never regrown, so earlier addresses stay valid.
func (c *coder) newChoice(ch choice) *choice {
	if len(c.choiceBuf) == cap(c.choiceBuf) {
		c.choiceBuf = make([]choice, 0, max(16, 2*cap(c.choiceBuf)))
	}
	c.choiceBuf = append(c.choiceBuf, ch)
	return &c.choiceBuf[len(c.choiceBuf)-1]
}

// choiceList is an empty list of choices for one therapy, with room for a
// few before an append allocates.
func (c *coder) choiceList() []*choice {
	const room = 4
	if cap(c.choiceRef)-len(c.choiceRef) < room {
		c.choiceRef = make([]*choice, 0, max(64, 4*room*len(c.doc.Therapies)))
	}
	n := len(c.choiceRef)
	c.choiceRef = c.choiceRef[:n+room]
	return c.choiceRef[n : n : n+room]
}

// keepWhyRoom is keepWhy with room for extra reasons appended later in
// place.
func (c *coder) keepWhyRoom(why []claim.Reason, extra int) []claim.Reason {
	n := len(why) + extra
	if len(c.why) < n {
		// Enough for a typical document's lines at once.
		d := c.doc
		c.why = make([]claim.Reason, max(6*len(d.Therapies)+3*len(d.Visits)/2+4*len(d.Drugs)+8, 2*n))
	}
	out := c.why[:len(why):n]
	copy(out, why)
	c.why = c.why[n:]
	c.whyUsed += n
	return out
}

// keepMods is keepWhy for modifiers; no modifiers is the empty list.
func (c *coder) keepMods(mods []string) []string {
	if len(mods) == 0 {
		return []string{}
	}
	if len(c.mods) < len(mods) {
		c.mods = make([]string, max(2*len(c.doc.Therapies)+4, len(mods)))
	}
	out := c.mods[:len(mods):len(mods)]
	copy(out, mods)
	c.mods = c.mods[len(mods):]
	c.modsUsed += len(mods)
	return out
}

func (c *coder) emit(l claim.Line, path ref) {
	if l.Modifiers == nil {
		l.Modifiers = []string{}
	}
	c.lines = append(c.lines, l)
	c.meta = append(c.meta, lineMeta{path: path})
}
