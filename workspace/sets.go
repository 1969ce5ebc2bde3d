package workspace

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/x12"
)

// sentSets are the transaction sets of an interchange as it was sent,
// read from its stored bytes: each set's control number (ST02) and the
// claims it holds, in order.
type sentSets struct {
	order  []string            // ST02 of each set, in order
	claims map[string][]string // ST02 → our claim ids
}

// setsOf reads the sets of an interchange from the bytes kept when it was
// built. A claim sent in parts (CLM01 <id>-1, <id>-2, …) is in every set
// one of its parts is.
func setsOf(ic store.Interchange) (sentSets, error) {
	ours := map[string]bool{}
	for _, id := range ic.ClaimIDs {
		ours[id] = true
	}
	out := sentSets{claims: map[string][]string{}}
	r := x12.NewReader(bytes.NewReader(ic.Content))
	set := ""
	for {
		seg, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sentSets{}, errs.Errorf(errs.Internal, "interchange %s: reading its 837P as sent: %v", ic.ID, err)
		}
		switch seg.ID() {
		case "ST":
			set = seg.Element(2)
			out.order = append(out.order, set)
		case "CLM":
			id := claimIDOf(seg.Element(1), ours)
			if id == "" {
				continue
			}
			if cs := out.claims[set]; len(cs) == 0 || cs[len(cs)-1] != id {
				out.claims[set] = append(cs, id)
			}
		}
	}
	return out, nil
}

// claimIDOf is the id of ours a CLM01 is, whole or a part (<id>-n), or "".
func claimIDOf(clm01 string, ours map[string]bool) string {
	if ours[clm01] {
		return clm01
	}
	if i := strings.LastIndexByte(clm01, '-'); i > 0 {
		if _, err := strconv.Atoi(clm01[i+1:]); err == nil && ours[clm01[:i]] {
			return clm01[:i]
		}
	}
	return ""
}

// find is the set whose ST02 an AK202 names: the same text, or failing
// that the same number (a 999 that drops the leading zeros), or "".
func (ss sentSets) find(ak202 string) string {
	ak202 = strings.TrimSpace(ak202)
	for _, st02 := range ss.order {
		if st02 == ak202 {
			return st02
		}
	}
	a, err := strconv.Atoi(ak202)
	if err != nil {
		return ""
	}
	for _, st02 := range ss.order {
		if b, err := strconv.Atoi(st02); err == nil && a == b {
			return st02
		}
	}
	return ""
}
