package workspace

import (
	"bytes"
	"strconv"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/x12/x837p"
)

// BuildInterchange puts the claims claimIDs (each draft or ready), in the
// order given, in one 837P under the next control number of the
// database's counter, and keeps it with the claims marked submitted
// (store.Tx.CreateInterchange). usage is ISA15: "T" (test, also for "")
// or "P" (production). A claim of more than 50 lines goes out as several
// (x837p.Split); every claim must share the first one's submitter and
// receiver. A problem with a claim is at "claims[i]".
func (s *Service) BuildInterchange(tx *store.Tx, claimIDs []string, usage string) (store.Interchange, error) {
	switch usage {
	case "":
		usage = "T"
	case "T", "P":
	default:
		return store.Interchange{}, errs.Invalids([]errs.Problem{{Path: "usage", Message: "want T (test) or P (production)"}})
	}
	return tx.CreateInterchange(claimIDs, func(control int64, claims []store.Claim) ([]byte, error) {
		return s.write837(claims, control, usage)
	})
}

// write837 writes claims as one 837P interchange numbered num: each claim
// built as an 837P (a claim of more than 50 lines becomes several), all
// with the first one's envelope parties.
func (s *Service) write837(claims []store.Claim, num int64, usage string) ([]byte, error) {
	var all []*x837p.Claim
	for i, sc := range claims {
		cl := sc.Claim
		c, err := x837p.Build(cl, x837p.Options{Codes: s.codes})
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
	if err := x837p.NewEncoder(&buf).Encode(all, x837p.Control{Number: num, Time: s.now(), Usage: usage}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func pathIndex(name string, i int) string {
	return name + "[" + strconv.Itoa(i) + "]"
}
