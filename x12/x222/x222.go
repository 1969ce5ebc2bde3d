package x222

import (
	_ "embed"
	"io"
	"sync"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12/guide"
)

//go:embed guide.txt
var guideText string

// X222A1 returns the guide, built from the embedded guide.txt on first use,
// so that commands which do not validate do not pay for parsing it.
var X222A1 = sync.OnceValue(func() *Guide { return guide.MustParse(guideText) })

// The validator's types are those of the guide machinery.
type (
	Guide           = guide.Guide
	LoopDef         = guide.LoopDef
	SegmentDef      = guide.SegmentDef
	ElementDef      = guide.ElementDef
	CodeList        = guide.CodeList
	Report          = guide.Report
	Finding         = guide.Finding
	InterchangeInfo = guide.InterchangeInfo
	GroupResult     = guide.GroupResult
	SetResult       = guide.SetResult
	Interchange     = guide.Interchange
	Group           = guide.Group
	Set             = guide.Set
	Loop            = guide.Loop
	Segment         = guide.Segment
	Delims          = guide.Delims
	Sink            = guide.Sink

	machine = guide.Machine
)

// Levels of a Finding.
const (
	LevelSyntax    = guide.LevelSyntax
	LevelEnvelope  = guide.LevelEnvelope
	LevelStructure = guide.LevelStructure
	LevelElement   = guide.LevelElement
	LevelBusiness  = guide.LevelBusiness
)

// ErrNotX12 is returned (wrapped) by Validate and Parse when the input has
// no readable ISA: there is nothing to acknowledge.
var ErrNotX12 = guide.ErrNotX12

// Validate reads an 837P interchange and checks it at every level. It
// streams: memory holds the loop stack and one claim's totals, whatever the
// input size. The error is non-nil only when the input is not X12 at all or
// cannot be read; everything else is a Finding.
func Validate(r io.Reader, opt Options) (*Report, error) {
	var noc, perDiem *CodeList
	var byBytes *codeIndex
	if opt.Codes != nil {
		noc, perDiem, byBytes = nocCodes(opt.Codes), perDiemCodes(opt.Codes), codesByBytes(opt.Codes)
	}
	var (
		mu   sync.Mutex
		seen []unchecked
	)
	rules := func() guide.Rules {
		b := &business{perDiemUnits: -1, noc: noc, perDiem: perDiem, codes: opt.Codes, byBytes: byBytes, today: opt.Today, unchecked: unchecked{}}
		mu.Lock()
		seen = append(seen, b.unchecked)
		mu.Unlock()
		return b
	}
	rep, err := guide.Validate(X222A1(), r, rules, guide.Options{MaxFindings: opt.MaxFindings, Workers: opt.Workers, Sink: opt.Sink})
	if rep != nil {
		rep.Unchecked = uncheckedNotes(opt, seen)
	}
	return rep, err
}

// Options tune Validate.
type Options struct {
	// MaxFindings bounds the findings kept in the Report (0: 10000), so a
	// badly broken file of any size keeps memory flat. Counts in the
	// results still include the ones left out.
	MaxFindings int
	// Codes is the dated HCPCS code set that procedure codes and modifiers
	// (SV101) are checked against, on each line's date of service, and that
	// says which codes are not otherwise classified (SV101-7) and which
	// bill per day (PD-1). The caller chooses it, so one process can check
	// files against several code set versions. Nil: those checks are not
	// made.
	Codes *codeset.Set
	// Workers and Sink are those of the guide machinery: how many
	// transaction sets are checked at once, and where the results go as
	// they are known.
	Workers int
	Sink    Sink
	// Today is the day the file is checked: a date of service after it is
	// in the future. Zero (1970-01-01) means not given, and the check is
	// not made. Passing it in keeps results reproducible.
	Today civil.Date
}

// Parse reads one 837P interchange into its loop tree. It is tolerant:
// segments out of place stay in the loop where they occur, and guide
// violations are left to Validate. It fails on unreadable X12 or a second
// interchange. Unlike Validate it holds the whole file in memory.
func Parse(r io.Reader) (*Interchange, error) { return guide.Tree(X222A1(), r) }

// ParseAll is Parse for a file of one or more interchanges.
func ParseAll(r io.Reader) ([]*Interchange, error) { return guide.Trees(X222A1(), r) }

// The guide machinery's helpers the business rules use.
var (
	elemName    = guide.ElemName
	date8       = guide.Date8
	component   = guide.Component
	numeric     = guide.Numeric
	newCodeList = guide.NewCodeList
)

func has(c *CodeList, v []byte) bool { return c.HasBytes(v) }
