package x222

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/perdiem/perdiem/x12"
)

// TestParseFailsOnUnreadableTail: input that stops being X12 is an error
// from Parse even when guide violations came before the break.
func TestParseFailsOnUnreadableTail(t *testing.T) {
	src, err := os.ReadFile(samples + "synthetic__home-infusion-good.x12")
	if err != nil {
		t.Fatal(err)
	}
	src = bytes.Replace(src, []byte("DMG*D8*19600101*F~"), []byte("DMG*D8*19601301*X~"), 1)
	src = bytes.TrimRight(src, "~\r\n") // the IEA loses its terminator
	if rep, err := Validate(bytes.NewReader(src), testOptions()); err != nil || len(rep.Findings) < 2 || rep.Findings[0].Level == LevelSyntax {
		t.Fatalf("the planted element errors should come before the syntax error: %v\n%s", err, findingLines(rep))
	}
	_, err = Parse(bytes.NewReader(src))
	if !errors.Is(err, x12.ErrUnterminated) {
		t.Fatalf("Parse error = %v, want one saying %q", err, x12.ErrUnterminated)
	}
}

// TestParseElementListsAreNeverNull: a segment without elements has an
// empty element list, not a missing one, even as the tree's first segment.
func TestParseElementListsAreNeverNull(t *testing.T) {
	src := header + "NTE~BHT*0019*00*1*20260115*1200*CH~SE*4*0001~GE*1*101~IEA*1*000000101~"
	tree, err := Parse(bytes.NewReader([]byte(src)))
	if err != nil {
		t.Fatal(err)
	}
	segs := tree.Groups[0].Sets[0].Root.Segments
	if len(segs) != 2 || segs[0].ID != "NTE" || segs[0].Elements == nil {
		t.Fatalf("root segments %+v, want NTE with a non-nil empty element list, then BHT", segs)
	}
}
