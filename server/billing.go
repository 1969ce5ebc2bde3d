package server

import (
	"bytes"
	"strconv"
	"time"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/profile"
	"github.com/perdiem/perdiem/x12/x837p"
)

// codeClaim codes an episode document for a billing period into the claim
// id, as `perdiem claim` would: the document's claim block says who bills
// whom, prof (nil for the document's own) the payer profile. The claim is
// built as an 837P too, so a claim that could not be sent is refused now,
// with the path in the document of what is wrong, not when an interchange
// is made.
func codeClaim(data []byte, period civil.Span, prof *profile.Profile, codes *codeset.Set, id string) (*claim.Claim, *claim.Result, error) {
	doc, err := episode.Decode(data)
	if err != nil {
		return nil, nil, err
	}
	if doc.Claim == nil {
		return nil, nil, errs.Invalids([]errs.Problem{{Path: "claim", Message: "the episode's document has no claim block: add one (docs/input-format.md) to make claims"}})
	}
	doc.Period = &episode.Period{From: period.From, To: period.To}
	doc.Claim.ID = id
	if probs := doc.ValidateClaim(); len(probs) > 0 {
		return nil, nil, &episode.Error{Problems: probs}
	}
	res, err := coding.Code(doc, coding.Options{Profile: prof, Codes: codes})
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
	c, err := x837p.Build(cl, x837p.Options{Codes: codes})
	if err != nil {
		return nil, nil, coding.InDocument(doc, cl, err)
	}
	if _, err := x837p.Split(c); err != nil {
		return nil, nil, errs.Invalids([]errs.Problem{{Path: "claim.id", Message: err.Error()}})
	}
	return cl, res, nil
}

// checkPeriod checks a billing period from a request.
func checkPeriod(from, to civil.Date) (civil.Span, error) {
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

// interchange writes claims as one 837P interchange numbered num: each
// claim built as an 837P (a claim of more than 50 lines becomes several),
// all with the first one's envelope parties.
func interchange(claims []*claim.Claim, num int64, at time.Time, usage string, codes *codeset.Set) ([]byte, error) {
	var all []*x837p.Claim
	for i, cl := range claims {
		c, err := x837p.Build(cl, x837p.Options{Codes: codes})
		if err != nil {
			return nil, errs.Invalids([]errs.Problem{{Path: pathIndex("claims", i), Message: "claim " + cl.ID + ": " + err.Error()}})
		}
		parts, err := x837p.Split(c)
		if err != nil {
			return nil, errs.Invalids([]errs.Problem{{Path: pathIndex("claims", i), Message: err.Error()}})
		}
		for _, p := range parts {
			if len(all) > 0 {
				if err := x837p.Check(p, all[0]); err != nil {
					return nil, errs.Invalids([]errs.Problem{{Path: pathIndex("claims", i), Message: "claim " + cl.ID + ": " + err.Error()}})
				}
			}
			all = append(all, p)
		}
	}
	var buf bytes.Buffer
	if err := x837p.NewEncoder(&buf).Encode(all, x837p.Control{Number: num, Time: at, Usage: usage}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func pathIndex(name string, i int) string {
	return name + "[" + strconv.Itoa(i) + "]"
}
