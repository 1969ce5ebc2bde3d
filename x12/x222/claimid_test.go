package x222_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12/x222"
)

// TestClaimIDLength: CLM01 is AN 1/38 in X12 syntax, so the guide data
// accepts 38 characters, but the 837P guide has receivers keep only
// claim.MaxIDLength; a longer id is a business finding at CLM01, a 39th
// character also an element error.
func TestClaimIDLength(t *testing.T) {
	cases := []struct {
		n    int
		want []found
	}{
		{claim.MaxIDLength, nil},
		{claim.MaxIDLength + 1, []found{{"business", "CLM01", ""}}},
		{38, []found{{"business", "CLM01", ""}}},
		{39, []found{{"element", "CLM01", "5"}, {"business", "CLM01", ""}}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.n), func(t *testing.T) {
			id := "HIT" + strings.Repeat("7", c.n-3)
			src := replaced(t, "CLM*HIT20260101A*", "CLM*"+id+"*")
			rep, err := x222.Validate(bytes.NewReader(src), x222.Options{Codes: codeset.Default()})
			if err != nil {
				t.Fatal(err)
			}
			var got []found
			for _, f := range rep.Findings {
				got = append(got, found{f.Level, f.Element, f.Code})
				if f.Level == "business" && !strings.Contains(f.Message, fmt.Sprintf("%d characters", c.n)) {
					t.Errorf("message %q does not give the length %d", f.Message, c.n)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
