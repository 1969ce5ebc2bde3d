package x837p

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
)

// guideCodes reads one code list of the 837P guide data the validator uses.
func guideCodes(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open("../x222/guide.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "codes "+name+" "); ok {
			return strings.Fields(rest)
		}
	}
	t.Fatalf("no code list %q in the guide", name)
	return nil
}

// The claim's vocabularies are the ones the 837P guide allows: what the
// writer accepts, the validator accepts too.
func TestVocabulariesAgreeWithTheGuide(t *testing.T) {
	if got := guideCodes(t, "filing"); !slices.Equal(got, claim.FilingCodes) {
		t.Errorf("SBR09 codes of the guide %v, of package claim %v", got, claim.FilingCodes)
	}
	relship := guideCodes(t, "relship")
	for _, r := range claim.Relationships {
		if !slices.Contains(relship, r.Code) {
			t.Errorf("relationship %s is %s, not a code of the guide %v", r.Word, r.Code, relship)
		}
	}
}
