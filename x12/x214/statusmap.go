package x214

import "strings"

// statusRule says which claim status a business finding about an 837P
// gets: the first rule whose element (and message word, when given)
// matches gives the category and status code (STC01), and a second
// composite when the code needs one to say which data is in error (STC10).
// A code marked "entity" takes the entity of the finding's loop (85 for the
// billing provider, 82 for the rendering provider, …).
type statusRule struct {
	element string // the finding's element; a trailing "*" matches a prefix
	word    string // a word the message must hold, when the element alone is not enough
	cat     string
	code    string
	entity  bool
	second  string // category:code of STC10, or ""
	why     string
}

// statusRules map the validator's business findings (x12/x222) to claim
// status codes (data/claim-status-codes.csv). A6 is for what is missing,
// A7 for what is invalid, A3 for a claim that cannot be processed as sent
// (duplicates).
var statusRules = []statusRule{
	{element: "CLM01", word: "characters", cat: "A7", code: "512", second: "A7:538", why: "length invalid; claim identifier"},
	{element: "CLM01", cat: "A3", code: "78", why: "duplicate of an existing claim"},
	{element: "", word: "repeats the claim", cat: "A3", code: "78", why: "duplicate of an existing claim"},
	{element: "CLM02", word: "does not equal", cat: "A7", code: "400", why: "claim is out of balance"},
	{element: "CLM02", cat: "A7", code: "178", why: "submitted charges"},
	{element: "CLM05-3", cat: "A6", code: "464", why: "payer assigned claim control number (REF*F8) missing"},
	{element: "NM109", cat: "A7", code: "562", entity: true, why: "entity's NPI"},
	{element: "N301", cat: "A7", code: "503", entity: true, why: "entity's street address"},
	{element: "N302", cat: "A7", code: "503", entity: true, why: "entity's street address"},
	{element: "N402", cat: "A7", code: "501", entity: true, why: "entity's state"},
	{element: "N403", cat: "A7", code: "500", entity: true, why: "entity's postal code"},
	{element: "DTP03", word: "future", cat: "A7", code: "510", second: "A7:187", why: "future date; dates of service"},
	{element: "DTP03", word: "after the claim was created", cat: "A7", code: "510", second: "A7:187", why: "future date; dates of service"},
	{element: "DTP03", cat: "A7", code: "187", why: "dates of service"},
	{element: "HI01-2", cat: "A7", code: "254", why: "principal diagnosis code"},
	{element: "HI*", cat: "A7", code: "255", why: "diagnosis code"},
	{element: "SV101-2", cat: "A7", code: "454", why: "procedure code"},
	{element: "SV101-7", cat: "A6", code: "306", why: "detailed description of service"},
	{element: "SV101-*", cat: "A7", code: "453", why: "procedure code modifier"},
	{element: "SV102", cat: "A7", code: "583", why: "line item charge amount"},
	{element: "SV104", cat: "A7", code: "476", why: "units of service"},
	{element: "SV107*", cat: "A7", code: "477", why: "diagnosis code pointer"},
	{element: "LIN03", cat: "A7", code: "218", why: "NDC number"},
}

// fallback is the status of a finding no rule names: missing or invalid
// information, with line information when it is in a service line.
var fallback = statusRule{cat: "A7", code: "21"}

// loopEntities are the entity codes (STC01-3) of the 837P loops whose
// data a status code may be about.
var loopEntities = map[string]string{
	"2010AA": "85", "2010AB": "87", "2010BA": "IL", "2010BB": "PR", "2010CA": "QC",
	"2310A": "DN", "2310B": "82", "2310C": "77", "2310D": "DQ",
	"2420A": "82", "2420C": "77", "2420D": "DQ", "2420E": "DK", "2420F": "DN",
}

// codesFor gives the status composites of one problem.
func codesFor(p Problem) []StatusCode {
	r := fallback
	for _, c := range statusRules {
		if c.matches(p) {
			r = c
			break
		}
	}
	entity := ""
	if r.entity {
		entity = loopEntities[p.Loop]
	}
	out := []StatusCode{NewStatusCode(r.cat, r.code, entity)}
	if r.code == "21" {
		// 21 needs a second code naming the data: the line, or the claim.
		second := "A7:538"
		if strings.HasPrefix(p.Loop, "24") {
			second = "A7:247"
		}
		r.second = second
	}
	if cat, code, ok := strings.Cut(r.second, ":"); ok {
		out = append(out, NewStatusCode(cat, code, ""))
	}
	return out
}

func (r statusRule) matches(p Problem) bool {
	if pre, ok := strings.CutSuffix(r.element, "*"); ok {
		if !strings.HasPrefix(p.Element, pre) {
			return false
		}
	} else if p.Element != r.element {
		return false
	}
	return r.word == "" || strings.Contains(p.Message, r.word)
}
