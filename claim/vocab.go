package claim

// The vocabularies of a claim, each defined here once: the episode
// document's checks, the 837P writer and the tests derive theirs from these.

// MaxIDLength is the longest claim id: CLM01 is AN 1/38 in X12, but the
// 837P implementation guide (005010X222A1) has receivers keep only 20
// characters, and the id must come back whole in the 835 (CLP01) and 277CA.
const MaxIDLength = 20

// Frequencies are the claim frequency codes a claim may carry (CLM05-3):
// original, replacement of a prior claim, void of a prior claim.
var Frequencies = []string{"1", "7", "8"}

// FilingCodes are the claim filing indicator codes of the payer (SBR09,
// X12 element 1032 as the 837P guide restricts it): 11-17 and ZZ for
// self-pay and other non-federal plans, AM automobile medical, BL Blue Cross
// Blue Shield, CH Tricare, CI commercial, DS disability, FI federal
// employees, HM HMO, LM liability medical, MA and MB Medicare parts A and B,
// MC Medicaid, OF other federal, TV Title V, VA veterans, WC workers'
// compensation.
var FilingCodes = []string{
	"11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH", "CI", "DS",
	"FI", "HM", "LM", "MA", "MB", "MC", "OF", "TV", "VA", "WC", "ZZ",
}

// DefaultFiling is the filing indicator of a payer that gives none.
const DefaultFiling = "CI"

// Relationship is one way a patient is related to the subscriber: the word
// documents use and the X12 individual relationship code.
type Relationship struct {
	Word string
	Code string // PAT01, or SBR02 "18" for self
}

// Relationships are the patient-to-subscriber relationships a claim may
// state. "self" means the subscriber is the patient (no patient block).
var Relationships = []Relationship{
	{"self", "18"},
	{"spouse", "01"},
	{"child", "19"},
	{"employee", "20"},
	{"unknown", "21"},
	{"life-partner", "53"},
	{"other", "G8"},
}

// RelationshipCode returns the X12 code of a relationship word.
func RelationshipCode(word string) (string, bool) {
	for _, r := range Relationships {
		if r.Word == word {
			return r.Code, true
		}
	}
	return "", false
}

// RelationshipWords are the words of Relationships, in order.
func RelationshipWords() []string {
	out := make([]string, len(Relationships))
	for i, r := range Relationships {
		out[i] = r.Word
	}
	return out
}
