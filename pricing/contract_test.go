package pricing

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/money"
)

// TestExampleContract loads the example contract with its price list.
func TestExampleContract(t *testing.T) {
	k, err := Load(filepath.Join("..", "examples", "contract", "example-health.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Terms) != 2 || k.Terms[1].From != day("2026-03-16") || !k.LesserOf {
		t.Fatalf("%+v", k)
	}
	if p := k.Terms[0].Drugs[2].Prices["00409080501"]; p != 2_150_000 {
		t.Errorf("price of 00409-0805-01 from the example list: %v, want 2.15", p)
	}
}

func TestDecodeProblems(t *testing.T) {
	ok := `"per_diem":{"S9500":100},"sh_percent":50,"sj_percent":0`
	for _, c := range []struct {
		name, doc string
		path, msg string
	}{
		{"unknown field", oneTerm(ok + `,"per_dime":{}`), "terms[0].per_dime", "unknown field"},
		{"field twice", oneTerm(ok + `,"sh_percent":40`), "terms[0].sh_percent", "given twice"},
		{"rate as a string", oneTerm(`"per_diem":{"S9500":"100"},"sh_percent":50,"sj_percent":0`), "terms[0].per_diem.S9500", "want a price such as 120.00 or 0.430, got a string"},
		{"rate as an object", oneTerm(`"per_diem":{"S9500":{}},"sh_percent":50,"sj_percent":0`), "terms[0].per_diem.S9500", "want a price such as 120.00 or 0.430, got an object"},
		{"rate with seven decimals", oneTerm(`"per_diem":{"S9500":1.0000001},"sh_percent":50,"sj_percent":0`), "terms[0].per_diem.S9500", "at most 6 decimals"},
		{"negative rate", oneTerm(`"per_diem":{"S9500":-1},"sh_percent":50,"sj_percent":0`), "terms[0].per_diem.S9500", "want a price of zero or more"},
		{"rate with an exponent", oneTerm(`"per_diem":{"S9500":1e2},"sh_percent":50,"sj_percent":0`), "terms[0].per_diem.S9500", "want a price"},
		{"lower-case code", oneTerm(`"per_diem":{"s9500":100},"sh_percent":50,"sj_percent":0`), "terms[0].per_diem.s9500", "want a HCPCS code in capitals"},
		{"code twice in a map", oneTerm(`"per_diem":{"S9500":100,"s9500":90},"sh_percent":50,"sj_percent":0`), "terms[0].per_diem.s9500", "given twice"},
		{"no SH share", oneTerm(`"per_diem":{"S9500":100},"sj_percent":0`), "terms[0].sh_percent", "missing"},
		{"SH over 100", oneTerm(`"per_diem":{"S9500":100},"sh_percent":150,"sj_percent":0`), "terms[0].sh_percent", "from 0 to 100"},
		{"percent with three decimals", oneTerm(`"per_diem":{"S9500":100},"sh_percent":50.125,"sj_percent":0`), "terms[0].sh_percent", "at most two decimals"},
		{"percent as a string", oneTerm(`"per_diem":{"S9500":100},"sh_percent":"50","sj_percent":0`), "terms[0].sh_percent", "want a percent such as 50 or -18.5, got a string"},
		{"unknown basis", oneTerm(`"drugs":[{"basis":"awp"}]`), "terms[0].drugs[0].basis", "want one of fee-schedule, ndc-price, asp-limit, asp, percent-of-charge"},
		{"basis without its percent", oneTerm(`"drugs":[{"basis":"asp"}]`), "terms[0].drugs[0].percent", "missing"},
		{"field of another basis", oneTerm(`"drugs":[{"basis":"asp","percent":6,"rates":{"J0696":1}}]`), "terms[0].drugs[0].rates", "not used by basis asp"},
		{"price list without a file", oneTerm(`"drugs":[{"basis":"ndc-price","name":"AWP","percent":-18}]`), "terms[0].drugs[0].file", "missing"},
		{"empty fee schedule", oneTerm(`"drugs":[{"basis":"fee-schedule"}]`), "terms[0].drugs[0].rates", "missing"},
		{"percent of charge below zero", oneTerm(`"drugs":[{"basis":"percent-of-charge","percent":-5}]`), "terms[0].drugs[0].percent", "want 0 or more"},
		{"adjustment below -100", oneTerm(`"drugs":[{"basis":"asp-limit","percent":-101}]`), "terms[0].drugs[0].percent", "want -100 or more"},
		{"not payable and priced", oneTerm(ok + `,"not_payable":["S9500"]`), "terms[0].not_payable[0]", "also has a rate"},
		{"not payable not a code", oneTerm(`"not_payable":["pump"]`), "terms[0].not_payable[0]", "want a HCPCS code"},
		{"empty nursing", oneTerm(`"nursing":{}`), "terms[0].nursing", "empty"},
		{"no from", `{"id":"k","payer":{"id":"P"},"source":"s","terms":[{"id":"t"}]}`, "terms[0].from", "missing"},
		{"bad date", `{"id":"k","payer":{"id":"P"},"source":"s","terms":[{"id":"t","from":"2026-02-30"}]}`, "terms[0].from", "not a real calendar day"},
		{"to before from", `{"id":"k","payer":{"id":"P"},"source":"s","terms":[{"id":"t","from":"2026-02-01","to":"2026-01-31"}]}`, "terms[0].to", "before from"},
		{"overlapping terms", `{"id":"k","payer":{"id":"P"},"source":"s","terms":[{"id":"a","from":"2026-01-01","to":"2026-03-31"},{"id":"b","from":"2026-03-16"}]}`, "terms[1].from", "inside terms[0] (2026-01-01 to 2026-03-31)"},
		{"open term before another", `{"id":"k","payer":{"id":"P"},"source":"s","terms":[{"id":"b","from":"2026-03-16"},{"id":"a","from":"2026-01-01"}]}`, "terms[0].from", "inside terms[1] (2026-01-01 onwards)"},
		{"same term id", `{"id":"k","payer":{"id":"P"},"source":"s","terms":[{"id":"a","from":"2026-01-01","to":"2026-01-31"},{"id":"a","from":"2026-02-01"}]}`, "terms[1].id", "also the id of terms[0]"},
		{"no terms", `{"id":"k","payer":{"id":"P"},"source":"s","terms":[]}`, "terms", "missing"},
		{"no payer id", `{"id":"k","payer":{"name":"P"},"source":"s","terms":[{"id":"a","from":"2026-01-01"}]}`, "payer.id", "missing"},
		{"no source", `{"id":"k","payer":{"id":"P"},"terms":[{"id":"a","from":"2026-01-01"}]}`, "source", "missing"},
		{"negative tolerance", `{"id":"k","payer":{"id":"P"},"source":"s","tolerance":-1,"terms":[{"id":"a","from":"2026-01-01"}]}`, "tolerance", "want an amount of zero or more"},
		{"tolerance as a string", `{"id":"k","payer":{"id":"P"},"source":"s","tolerance":"1.00","terms":[{"id":"a","from":"2026-01-01"}]}`, "tolerance", "got a string"},
		{"not JSON", `{"id":`, "id", "ends early"},
		{"Latin-1 text", "{\"id\":\"k\xe9\",\"payer\":{\"id\":\"P\"},\"source\":\"s\",\"terms\":[{\"id\":\"a\",\"from\":\"2026-01-01\"}]}", "id", "not UTF-8"},
	} {
		_, err := Decode([]byte(c.doc))
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: %v, want a contract error", c.name, err)
			continue
		}
		if errs.CodeOf(err) != errs.Invalid {
			t.Errorf("%s: code %s", c.name, errs.CodeOf(err))
		}
		found := false
		for _, p := range e.Problems {
			if p.Path == c.path && strings.Contains(p.Message, c.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: %v\nwant %s: …%s…", c.name, err, c.path, c.msg)
		}
	}
}

// TestTolerance: a contract's reconciliation tolerance is its
// "tolerance", a dollar when it names none.
func TestTolerance(t *testing.T) {
	for _, c := range []struct{ field, want string }{{"", "1.00"}, {`"tolerance":2.50,`, "2.50"}, {`"tolerance":0,`, "0.00"}} {
		k, err := Decode([]byte(`{"id":"k","payer":{"id":"P"},"source":"s",` + c.field + `"terms":[{"id":"a","from":"2026-01-01"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		if got := k.VarianceTolerance().String(); got != c.want {
			t.Errorf("%q: tolerance %s, want %s", c.field, got, c.want)
		}
	}
}

func TestDecodeBOMAndNumbers(t *testing.T) {
	k, err := Decode(append([]byte{0xEF, 0xBB, 0xBF}, oneTerm(`"per_diem":{"S9500":100.123456},"sh_percent":12.25,"sj_percent":0`)...))
	if err != nil {
		t.Fatal(err)
	}
	if k.Terms[0].PerDiem["S9500"] != 100_123_456 || *k.Terms[0].SHPercent != 1225 {
		t.Errorf("read %v and %v", k.Terms[0].PerDiem["S9500"], *k.Terms[0].SHPercent)
	}
}

func TestReadPriceList(t *testing.T) {
	good := "\ufeffNDC,AWP\n00409-0805-01,2.15\r\n0143-9856-25,3.875\n\n00264310311,4\n"
	p, err := ReadPriceList(strings.NewReader(good), "awp.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]money.Rate{"00409080501": 2_150_000, "00143985625": 3_875_000, "00264310311": 4_000_000}
	if len(p) != len(want) {
		t.Fatalf("%v", p)
	}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("%s: %v, want %v", k, p[k], v)
		}
	}
	for _, c := range []struct{ in, err string }{
		{"00409-0805-01,2.15\n0409080501,1\n", "awp.csv:2:1: NDC \"0409080501\": 10 digits without hyphens are ambiguous"},
		{"00409-0805-01,$2.15\n", "awp.csv:1:2: \"$2.15\": want a price"},
		{"00409-0805-01,2.15,AWP\n", "awp.csv:1: 3 columns: want 2"},
		{"00409-0805-01,2.15\n00409080501,2.20\n", "awp.csv:2:1: NDC 00409080501 is also on row 1"},
		{"NDC,price\n", "awp.csv: no prices"},
		{"00409-0805-01,\"2.15\n", "awp.csv:1:"},
	} {
		_, err := ReadPriceList(strings.NewReader(c.in), "awp.csv")
		if err == nil || !strings.HasPrefix(err.Error(), c.err) {
			t.Errorf("%q: %v, want %s…", c.in, err, c.err)
		}
	}
}

func TestLoadMissingPriceList(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.json")
	doc := oneTerm(`"drugs":[{"basis":"ndc-price","file":"none.csv","name":"AWP","percent":-18}]`)
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), "terms[0].drugs[0].file") {
		t.Errorf("%v", err)
	}
}

// FuzzDecode: the decoder never panics, and what it accepts prices a claim
// without failing on the contract.
func FuzzDecode(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("..", "examples", "contract", "example-health.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(twoTerms))
	f.Add([]byte(oneTerm(`"drugs":[{"basis":"asp","percent":6}]`)))
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := Decode(b)
		if err != nil {
			if errs.CodeOf(err) != errs.Invalid || len(errs.ProblemsOf(err)) == 0 {
				t.Fatalf("error without problems: %v", err)
			}
			return
		}
		for i := range k.Terms {
			for j := range k.Terms[i].Drugs {
				k.Terms[i].Drugs[j].Prices = map[string]money.Rate{"00409080501": 1_000_000}
			}
		}
		if _, err := Price(sampleClaim(), k, Options{}); err != nil {
			t.Fatalf("a decoded contract failed to price: %v", err)
		}
	})
}

// TestContractRoundTrip: a contract written as JSON (as a store keeps it)
// reads back the same; its price lists are kept apart.
func TestContractRoundTrip(t *testing.T) {
	k, err := Decode([]byte(mustRead(t, "../examples/contract/example-health.json")))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := Decode(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if !reflect.DeepEqual(k, k2) {
		t.Errorf("read back differs:\n%s", b)
	}
}
