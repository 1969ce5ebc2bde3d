package main

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
)

// tableRows returns the rows of a code table by line number, each with the
// reason lines under it.
func tableRows(out string) map[string][]string {
	rows := map[string][]string{}
	var cur string
	for _, l := range strings.Split(out, "\n") {
		if l == "" {
			cur = ""
			continue
		}
		if l[0] >= '1' && l[0] <= '9' {
			cur = strings.Fields(l)[0]
		}
		if cur != "" {
			rows[cur] = append(rows[cur], l)
		}
	}
	return rows
}

// TestCodeTableIsForBillers: each line shows its NDC and quantity, its
// charge, the place of service with its CMS name and every reason; the
// total is the claim's, as coding.Claim makes it for the 837P.
func TestCodeTableIsForBillers(t *testing.T) {
	const file = "../../examples/episode.json"
	code, out, errs := runCmd("", "code", "--format", "table", file)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := episode.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := coding.Code(doc, coding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := coding.Claim(doc, res)
	if err != nil {
		t.Fatal(err)
	}
	rows := tableRows(out)
	if len(rows) != len(res.Lines) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(res.Lines), out)
	}
	for i, l := range res.Lines {
		row := rows[strconv.Itoa(i+1)]
		head := strings.Fields(row[0])
		if head[1] != l.Code || !strings.Contains(row[0], "  "+cl.Lines[i].Charge.String()+"  ") || !strings.Contains(row[0], "12 Home") {
			t.Errorf("line %d: %q, want %s with charge %s at 12 Home", i+1, row[0], l.Code, cl.Lines[i].Charge)
		}
		if l.NDC != "" && !strings.Contains(row[0], l.NDC+"  "+formatUnits(l.NDCQuantity)+" "+l.NDCUnit) {
			t.Errorf("line %d: %q lacks NDC %s and its quantity", i+1, row[0], l.NDC)
		}
		if len(row)-1 != len(l.Why) {
			t.Errorf("line %d: %d reason lines, want %d: %q", i+1, len(row)-1, len(l.Why), row)
			continue
		}
		for j, r := range l.Why {
			if strings.TrimSpace(row[j+1]) != r.String() {
				t.Errorf("line %d reason %d: %q, want %q", i+1, j, row[j+1], r)
			}
		}
	}
	if !strings.Contains(out, "\nclaim total "+cl.Total.String()+"\n") {
		t.Errorf("table lacks the claim total %s:\n%s", cl.Total, out)
	}
	if !strings.Contains(out, "00409080501  42 UN") {
		t.Errorf("table lacks the J0690 NDC and quantity:\n%s", out)
	}
}

func TestCodeTableSuiteAndMissingCharges(t *testing.T) {
	code, out, errs := runCmd("", "code", "--format", "table", "../../examples/infusion-suite.json")
	if code != exitOK || !strings.Contains(out, "49 Independent Clinic") {
		t.Errorf("exit %d %s: the suite's place of service is not named:\n%s", code, errs, out)
	}
	data, err := os.ReadFile("../../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	noNursing := strings.Replace(string(data), `"99601"`, `"99601X"`, 1)
	if noNursing == string(data) {
		t.Fatal("the example has no 99601 charge to take out")
	}
	_, out, _ = runCmd(noNursing, "code", "--format", "table", "-")
	row := tableRows(out)["2"][0]
	if !strings.HasPrefix(strings.Join(strings.Fields(row)[1:7], " "), "99601 SD 2026-03-02 2026-03-02 1 -") {
		t.Errorf("a code without a charge: %q, want its charge as -", row)
	}
	if !strings.Contains(out, "total of the 3 priced line(s) ") || !strings.Contains(out, "no charge in claim.charges for 99601\n") {
		t.Errorf("no total of the priced lines naming 99601:\n%s", out)
	}
	noClaim := `{"therapies":[{"id":"abx","type":"anti-infective","start":"2026-03-02","end":"2026-03-04","every_hours":24}]}`
	_, out, _ = runCmd(noClaim, "code", "--format", "table", "-")
	if strings.Contains(out, "CHARGE") || strings.Contains(out, "total") || !strings.Contains(out, "S9500") {
		t.Errorf("without charges there is no charge column and no total:\n%s", out)
	}
}
