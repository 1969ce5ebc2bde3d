package guide

import "fmt"

// Levels of a Finding, in the order a front end checks them.
const (
	LevelSyntax    = "syntax"
	LevelEnvelope  = "envelope"
	LevelStructure = "structure"
	LevelElement   = "element"
	LevelBusiness  = "business"
)

// Finding is one problem in the input.
type Finding struct {
	Level     string `json:"level"`
	Segment   int    `json:"segment"` // segment number in the file (ISA = 1)
	SegmentID string `json:"segment_id"`
	Loop      string `json:"loop,omitempty"`
	Element   string `json:"element,omitempty"` // "CLM02", "SV101-7"
	// Code is the acknowledgment code that carries the finding: IK304 for
	// structure (and a segment the tokenizer skipped inside a set), IK403
	// for element, IK502 for envelope findings on ST/SE, AK905 on GS/GE,
	// the TA1's TA105 note on ISA/IEA. Empty when no acknowledgment has a
	// place for it (other syntax findings, business).
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
	Offset  int64  `json:"offset"`
	Line    int    `json:"line"`

	// Set is the 1-based ordinal of the transaction set in the file (0 outside one).
	Set int `json:"set,omitempty"`
	// SetPosition is the segment's position in its transaction set, ST = 1 (IK302).
	SetPosition int `json:"set_position,omitempty"`
	// ElementRef is the data element reference number (IK402) and Value
	// the bad value (IK404), for element findings.
	ElementRef string `json:"element_ref,omitempty"`
	Value      string `json:"value,omitempty"`
	// Claim is CLM01 of the claim the finding is in, for CTX and people.
	Claim string `json:"claim,omitempty"`
}

func (f Finding) String() string {
	loop := f.Loop
	if loop == "" {
		loop = "-"
	}
	el := f.Element
	if el == "" {
		el = "-"
	}
	return fmt.Sprintf("%s %d %s %s %s: %s", f.Level, f.Segment, f.SegmentID, loop, el, f.Message)
}

// Rejects reports whether the finding rejects its transaction set in a 999.
// Business findings reject claims in a 277CA instead.
func (f Finding) Rejects() bool { return f.Level != LevelBusiness }

// Report is the outcome of Validate.
type Report struct {
	Findings     []Finding         `json:"findings"`
	Interchanges []InterchangeInfo `json:"interchanges"`
	Groups       []*GroupResult    `json:"groups"`
	Segments     int               `json:"segments"`
	// Truncated says more findings were found than Options.MaxFindings;
	// counts in the results still include them.
	Truncated bool `json:"truncated,omitempty"`

	// Totals, kept whether or not a Sink takes the findings and results:
	// findings by level, transaction sets (and those a 999 accepts) and
	// interchanges.
	Counts           map[string]int `json:"counts"`
	Sets             int            `json:"sets"`
	Accepted         int            `json:"accepted"`
	InterchangeCount int            `json:"interchange_count"`

	// Unchecked says which values were not checked against a code list,
	// and why (a list that is not shipped, an option not given), so that
	// nothing is skipped silently.
	Unchecked []string `json:"unchecked,omitempty"`
}

// InterchangeInfo is what an acknowledgment needs from an ISA.
type InterchangeInfo struct {
	SenderQualifier   string `json:"sender_qualifier"`   // ISA05
	SenderID          string `json:"sender_id"`          // ISA06, trimmed
	ReceiverQualifier string `json:"receiver_qualifier"` // ISA07
	ReceiverID        string `json:"receiver_id"`        // ISA08, trimmed
	Control           string `json:"control"`            // ISA13
	Usage             string `json:"usage"`              // ISA15: P production, T test
	Date              string `json:"date"`               // ISA09, YYMMDD (TA102)
	Time              string `json:"time"`               // ISA10, HHMM (TA103)
	// Ack is the TA1's TA104 once the interchange has closed: A, or R when
	// its envelope has errors; Notes are their TA105 note codes (001
	// IEA02 ≠ ISA13, 021 IEA01 count, 023 no IEA, 025 ISA13 repeated, 005
	// … 020 and 027 a bad ISA element).
	Ack   string   `json:"ta1_ack,omitempty"`
	Notes []string `json:"ta1_notes,omitempty"`
}

// GroupResult is one functional group (GS … GE).
type GroupResult struct {
	FunctionalID string       `json:"functional_id"` // GS01
	Control      string       `json:"control"`       // GS06
	Version      string       `json:"version"`       // GS08
	Sender       string       `json:"sender"`        // GS02
	Receiver     string       `json:"receiver"`      // GS03
	Sets         []*SetResult `json:"sets"`
	// Codes are AK905 … codes for group-level envelope errors.
	Codes []string `json:"codes,omitempty"`
	// Declared is GE01 (number of transaction sets it says it holds).
	Declared int `json:"declared"`
	// Received counts its transaction sets, Accepted those a 999 accepts
	// (kept when a Sink takes the sets themselves).
	Received int `json:"received"`
	Accepted int `json:"accepted"`
}

// SetResult is one transaction set (ST … SE).
type SetResult struct {
	Ordinal  int    `json:"ordinal"`
	ID       string `json:"id"`      // ST01
	Control  string `json:"control"` // ST02
	Version  string `json:"version"` // ST03
	Accepted bool   `json:"accepted"`
	// Errors counts findings that reject the set; Business counts claim-level
	// (277CA) findings.
	Errors   int `json:"errors"`
	Business int `json:"business"`
	Claims   int `json:"claims"`
	// Codes are IK502 … codes for envelope errors of the set.
	Codes []string `json:"codes,omitempty"`
	// Keys identify the set's claims (or other business units) for the
	// checks across sets, which the machine makes in file order as the
	// set closes; the Rules fill them in. Not reported.
	Keys []Key `json:"-"`
}

// Key identifies one claim for the checks across sets: a repeated ID
// (CLM01) and a repeated claim (the same content under any ID).
type Key struct {
	ID  string // as sent, e.g. CLM01
	Sum uint64 // digest of the claim's content without its ID; 0: none
	// Where the claim starts, for findings.
	Segment, SetPosition int
	Offset               int64
	Line                 int
}

// Valid reports whether there were no findings at all.
func (r *Report) Valid() bool {
	if len(r.Findings) > 0 || r.Truncated {
		return false
	}
	for _, n := range r.Counts {
		if n > 0 {
			return false
		}
	}
	for _, g := range r.Groups {
		for _, s := range g.Sets {
			if !s.Accepted || s.Business > 0 {
				return false
			}
		}
	}
	return true
}
