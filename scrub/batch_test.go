package scrub

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
)

// stored is a store of one claim's services, as a server's database
// would answer them.
type stored map[Service]string

func (s stored) Billed(sv Service, exclude string) (string, error) {
	if id := s[sv]; id != exclude {
		return id, nil
	}
	return "", nil
}

type failing struct{}

func (failing) Billed(Service, string) (string, error) { return "", errors.New("store is down") }

func findings(t *testing.T, b *Batch, c *claim.Claim) string {
	t.Helper()
	got, err := b.Check(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	var s []string
	for _, f := range got {
		s = append(s, fmt.Sprintf("%s@%d", f.Edit, f.Line))
	}
	return strings.Join(s, " ")
}

// SC-21: a claim that bills a service an earlier claim of the batch, or a
// stored claim, already bills.
func TestDuplicate(t *testing.T) {
	b := NewBatch(Options{})
	if got := findings(t, b, clean()); got != "" {
		t.Fatalf("first claim: %s", got)
	}
	again := clean()
	again.ID = "C2"
	again.Lines = again.Lines[:2]
	if got := findings(t, b, again); got != "SC-21@1 SC-21@2" {
		t.Errorf("same services again: got %q, want SC-21 on lines 1 and 2", got)
	}
	moved := clean()
	moved.ID = "C3"
	moved.Lines = moved.Lines[:1]
	moved.Lines[0].To = moved.Lines[0].To - 1
	moved.Lines[0].Units--
	if got := findings(t, b, moved); got != "" {
		t.Errorf("other dates: got %q, want nothing", got)
	}
	secondary := clean()
	secondary.ID, secondary.Payer.ID = "C4", "P2"
	if got := findings(t, b, secondary); got != "" {
		t.Errorf("another payer: got %q, want nothing", got)
	}
	replacement := clean()
	replacement.ID, replacement.Frequency = "C5", "7"
	if got := findings(t, b, replacement); got != "" {
		t.Errorf("a replacement: got %q, want nothing", got)
	}
	child := clean()
	child.ID = "C6"
	child.Patient = &claim.Patient{Last: "DOE", First: "JIM", DOB: day("2015-02-03")}
	if got := findings(t, b, child); got != "" {
		t.Errorf("another patient of the subscriber: got %q, want nothing", got)
	}

	c := clean()
	store := stored{{Patient: PatientKey(c), Code: "J0690", From: day("2026-03-02"), To: day("2026-03-15")}: "OLD1"}
	got, err := Check(c, nil, Options{Others: store})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Edit != "SC-21" || got[0].Line != 4 || !strings.Contains(got[0].Message, "OLD1") {
		t.Errorf("stored claim: got %v, want SC-21 on line 4 naming OLD1", got)
	}
	c.ID = "OLD1"
	if got, _ := Check(c, nil, Options{Others: store}); len(got) != 0 {
		t.Errorf("the stored claim itself: got %v, want nothing", got)
	}
	if _, err := Check(clean(), nil, Options{Others: failing{}}); err == nil {
		t.Error("a failing store: want its error")
	}
}
