package workspace

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/errs"
)

// The kinds of file Receive takes.
const (
	Kind999   = "999"
	Kind277CA = "277CA"
	Kind835   = "835"
)

// others names the transaction sets a workspace may be handed by mistake,
// to say what a file is when it is none of those Receive takes.
var others = map[string]string{
	"837": "an 837 (claims sent to a payer): check it on the files page or with perdiem validate",
	"997": "a 997 functional acknowledgment, the 999's predecessor: ask the clearinghouse for 999s",
	"270": "a 270 eligibility inquiry",
	"271": "a 271 eligibility response",
	"276": "a 276 claim status inquiry",
	"278": "a 278 prior authorization",
	"820": "an 820 premium payment",
	"834": "an 834 benefit enrollment",
}

// Detect says which kind of file data is (Kind999, Kind277CA or Kind835)
// from its first transaction set (ST01, and GS08 for a 277), reading past
// a byte order mark and leading blanks. Anything else is an invalid error
// saying what the file is and where: not X12, an interchange without a
// transaction set (a TA1 alone), or the transaction set it holds.
func Detect(data []byte) (string, error) {
	b := bytes.TrimLeft(bytes.TrimPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("\uFEFF")), " \t\r\n")
	if len(b) < 106 || !bytes.HasPrefix(b, []byte("ISA")) {
		what := "not an X12 interchange: it must start with an ISA segment"
		switch {
		case len(bytes.TrimSpace(b)) == 0:
			what = "the file is empty"
		case bytes.HasPrefix(b, []byte("{")) || bytes.HasPrefix(b, []byte("[")):
			what += " (this looks like JSON)"
		case bytes.HasPrefix(b, []byte("%PDF")):
			what += " (this is a PDF)"
		case bytes.HasPrefix(b, []byte("PK")):
			what += " (this is a zip archive: unzip it first)"
		case bytes.HasPrefix(b, []byte("ISA")):
			what = "the ISA segment is cut short: it is 106 characters long"
		}
		return "", notOurs(what)
	}
	sep, term := b[3], b[105]
	var gs08 string
	ta1 := false
	for n, seg := range bytes.Split(b[106:], []byte{term}) {
		seg = bytes.TrimSpace(seg)
		el := strings.Split(string(seg), string(sep))
		switch el[0] {
		case "GS":
			gs08 = elem(el, 8)
		case "TA1":
			ta1 = true
		case "ST":
			id, at := elem(el, 1), "segment "+strconv.Itoa(n+2)
			switch {
			case id == "999":
				return Kind999, nil
			case id == "835":
				return Kind835, nil
			case id == "277" && (gs08 == "" || strings.Contains(gs08, "X214")):
				return Kind277CA, nil
			case id == "277":
				return "", notOurs("its first transaction set (ST at " + at + ") is a 277 of " + gs08 + ", a claim status response, not a 277CA (005010X214)")
			}
			what, ok := others[id]
			if !ok {
				what = "a " + strconv.Quote(id) + " transaction set"
			}
			return "", notOurs("its first transaction set (ST at " + at + ") is " + what + ", not a 999, 277CA or 835")
		}
	}
	if ta1 {
		return "", notOurs("a TA1 interchange acknowledgment with no transaction set: it answers for the envelope only and moves no claim")
	}
	return "", notOurs("no ST segment of a 999, 277CA or 835")
}

func elem(el []string, i int) string {
	if i < len(el) {
		return strings.TrimSpace(el[i])
	}
	return ""
}

func notOurs(what string) error {
	return errs.Invalids([]errs.Problem{{Message: what}})
}
