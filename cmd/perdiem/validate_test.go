package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12/x999"
)

const x12Samples = "../../testdata/x12/837p/"

func runValidateCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut}
	code = run(e, append([]string{"validate"}, args...))
	return code, out.String(), errOut.String()
}

func TestValidateExitStatus(t *testing.T) {
	cases := []struct {
		name string
		file string
		want int
	}{
		{"valid file exits 0", "synthetic__home-infusion-good.x12", exitOK},
		{"rejected file exits 1", "synthetic__home-infusion-broken.x12", exitFindings},
		{"business findings exit 1", "synthetic__home-infusion-semantic-errors.x12", exitFindings},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runValidateCmd(t, "", x12Samples+c.file)
			if code != c.want {
				t.Errorf("exit %d, want %d\n%s%s", code, c.want, out, errOut)
			}
		})
	}
}

func TestValidateNotX12ExitsInput(t *testing.T) {
	code, out, errOut := runValidateCmd(t, "this is not an interchange", "-")
	if code != exitInput || out != "" || !strings.Contains(errOut, "not X12") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestValidateTextLines(t *testing.T) {
	code, out, _ := runValidateCmd(t, "", x12Samples+"synthetic__home-infusion-broken.x12")
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"structure 20 NM1 2010BB -: required loop 2010BB (NM1*PR) missing in loop 2000B\n",
		"element 33 CTP 2410 CTP05-1: \"XX\" is not a valid code here\n",
		"envelope 43 SE - SE01: ",
		"7 findings, envelope 1, structure 1, element 3, business 2\n",
		"rejected in a 999",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestValidateJSON(t *testing.T) {
	in, err := os.ReadFile(x12Samples + "synthetic__home-infusion-semantic-errors.x12")
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := runValidateCmd(t, string(in), "--format", "json", "-")
	if code != exitFindings {
		t.Fatalf("exit %d", code)
	}
	// JSON Lines: the set with its findings, the group, then the summary.
	var types []string
	var findings int
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var rec struct {
			Type     string `json:"type"`
			Findings json.RawMessage
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		types = append(types, rec.Type)
		if rec.Type == "set" {
			var fs []struct {
				Level   string `json:"level"`
				Segment int    `json:"segment"`
				Element string `json:"element"`
			}
			if err := json.Unmarshal(rec.Findings, &fs); err != nil {
				t.Fatal(err)
			}
			findings += len(fs)
			// Six planted defects are business findings; HL04=1 without a
			// child breaks the guide's hierarchy rule and is an element
			// finding.
			for _, f := range fs {
				want := "business"
				if f.Element == "HL04" {
					want = "element"
				}
				if f.Level != want {
					t.Errorf("finding %+v: want level %s", f, want)
				}
			}
		}
		if rec.Type == "summary" && string(rec.Findings) != "7" {
			t.Errorf("summary counts %s findings, want 7", rec.Findings)
		}
	}
	if got := strings.Join(types, " "); got != "interchange set group ta1 summary" {
		t.Errorf("records %s, want interchange set group summary", got)
	}
	if findings != 7 {
		t.Fatalf("%d findings, want 7", findings)
	}
}

func TestValidateWrites999(t *testing.T) {
	fixedNow(t)
	out := filepath.Join(t.TempDir(), "ack.999")
	code, _, errOut := runValidateCmd(t, "", "--999", out, x12Samples+"synthetic__home-infusion-broken.x12")
	if code != exitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "277CA") {
		t.Errorf("stderr does not say business findings are left out: %q", errOut)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	acks, err := x999.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(acks) != 1 || acks[0].Status != "R" || len(acks[0].Sets) != 1 || len(acks[0].Sets[0].Segments) != 4 {
		t.Fatalf("999 = %+v", acks)
	}
	if a := acks[0]; a.Sender != "PAYERRCVR" || a.Receiver != "HITSUBMIT" {
		t.Errorf("999 from %q to %q, want PAYERRCVR to HITSUBMIT", a.Sender, a.Receiver)
	}
}

// Two 999s never share a control number.
func TestValidate999ControlNumbersAreNotReused(t *testing.T) {
	freshState(t)
	dir := t.TempDir()
	var isa13 []string
	for i := 0; i < 2; i++ {
		out := filepath.Join(dir, "ack"+string(rune('a'+i))+".999")
		var stdout, stderr bytes.Buffer
		run(&env{stdout: &stdout, stderr: &stderr}, []string{"validate", "../../testdata/x12/837p/synthetic__home-infusion-broken.x12", "--999", out})
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("run %d: %v (%s)", i, err, stderr.String())
		}
		isa13 = append(isa13, strings.Split(string(data), "*")[13])
	}
	if isa13[0] == isa13[1] {
		t.Errorf("both 999s have ISA13 %s", isa13[0])
	}
	var stderr bytes.Buffer
	code := run(&env{stdout: io.Discard, stderr: &stderr}, []string{"validate", "../../testdata/x12/837p/synthetic__home-infusion-good.x12", "--999", filepath.Join(dir, "ack.999"), "--control", "1"})
	if code != exitInput || !strings.Contains(stderr.String(), "not above the last one used") {
		t.Errorf("--control 1 after 1 and 2 were used: exit %d, %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "ack.999")); !os.IsNotExist(err) {
		t.Errorf("a refused 999 must not be written")
	}
}

// The text report lists the sets with findings, or every set with --sets,
// and is the same whatever the number of workers.
func TestValidateListsSets(t *testing.T) {
	good, err := os.ReadFile(x12Samples + "synthetic__home-infusion-good.x12")
	if err != nil {
		t.Fatal(err)
	}
	// The good set, then a copy of it whose SE miscounts.
	st, ge := bytes.Index(good, []byte("ST*")), bytes.Index(good, []byte("GE*"))
	bad := bytes.Replace(bytes.Replace(good[st:ge], []byte("SE*42*0001"), []byte("SE*41*0002"), 1), []byte("ST*837*0001"), []byte("ST*837*0002"), 1)
	in := string(good[:ge]) + string(bad) + strings.Replace(string(good[ge:]), "GE*1*", "GE*2*", 1)
	code, out, errOut := runValidateCmd(t, in, "-")
	if code != exitFindings {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	if strings.Contains(out, "set 0001") || !strings.Contains(out, "group 101 set 0002: rejected in a 999 (1 errors)") ||
		!strings.Contains(out, "2 transaction sets: 1 accepted, 1 rejected in a 999\nnot checked: ") {
		t.Errorf("default report:\n%s", out)
	}
	_, all, _ := runValidateCmd(t, in, "--sets", "-")
	if !strings.Contains(all, "group 101 set 0001: accepted in a 999 (0 errors); 1 claims, 0 business findings\n") ||
		!strings.Contains(all, "group 101 set 0002: rejected") {
		t.Errorf("--sets report:\n%s", all)
	}
	for _, format := range []string{"text", "json"} {
		_, one, _ := runValidateCmd(t, in, "--format", format, "--sets", "--workers", "1", "-")
		_, four, _ := runValidateCmd(t, in, "--format", format, "--sets", "--workers", "4", "-")
		if one != four {
			t.Errorf("%s report of 4 workers differs from 1 worker's:\n%s\n%s", format, one, four)
		}
	}
}

// An interchange whose IEA02 is not its ISA13 is rejected in a TA1
// (--ta1), gets no 999, and the text summary does not call its set
// accepted.
func TestValidateTA1(t *testing.T) {
	fixedNow(t)
	good, err := os.ReadFile(x12Samples + "synthetic__home-infusion-good.x12")
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(good), "IEA*1*000000101", "IEA*1*000000102", 1)
	dir := t.TempDir()
	ta1Path, ackPath := filepath.Join(dir, "ack.ta1"), filepath.Join(dir, "ack.999")
	code, out, errOut := runValidateCmd(t, bad, "--ta1", ta1Path, "--999", ackPath, "--state", filepath.Join(dir, "state"), "-")
	if code != exitFindings {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	for _, want := range []string{
		"envelope 46 IEA - IEA02: IEA02 \"000000102\" does not match ISA13 \"000000101\"\n",
		"interchange 000000101: rejected in a TA1 (TA105 001); its transaction sets are not accepted\n",
		"1 transaction sets: 0 accepted, 1 rejected in a 999 (1 of them with their group or interchange)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	ta1, err := os.ReadFile(ta1Path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ta1), "TA1*000000101*260115*1200*R*001~") || !strings.Contains(string(ta1), "IEA*0*") {
		t.Errorf("TA1 file:\n%s", ta1)
	}
	if ack, err := os.ReadFile(ackPath); err != nil || len(ack) != 0 {
		t.Errorf("999 file of a rejected interchange: %q, %v; want it empty", ack, err)
	}

	// The same file with its IEA right: TA1 A 000 and a 999 that accepts.
	code, _, errOut = runValidateCmd(t, string(good), "--ta1", ta1Path, "--999", ackPath, "--state", filepath.Join(dir, "state"), "-")
	if code != exitOK {
		t.Fatalf("good file: exit %d: %s", code, errOut)
	}
	ta1, _ = os.ReadFile(ta1Path)
	ack, _ := os.ReadFile(ackPath)
	if !strings.Contains(string(ta1), "TA1*000000101*260115*1200*A*000~") || !strings.Contains(string(ack), "AK9*A*1*1*1~") {
		t.Errorf("good file: TA1\n%s\n999\n%s", ta1, ack)
	}
}

// A UTF-8 byte order mark and CR/LF padding around the segments change
// nothing for validate, read and read --tree, for an 837P and an 835.
func TestBOMAndLineBreaksAreLayout(t *testing.T) {
	for _, file := range []string{x12Samples + "synthetic__home-infusion-good.x12", "../../testdata/x12/835/keironstoddart__emedny_sample.x12"} {
		plain, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		flat := bytes.ReplaceAll(bytes.ReplaceAll(plain, []byte("\r\n"), nil), []byte("\n"), nil)
		padded := append([]byte("\xEF\xBB\xBF\r\n"), bytes.ReplaceAll(flat, []byte("~"), []byte("~\r\n"))...)
		padded = append(padded, "\r\n\r\n"...)
		for _, args := range [][]string{{"validate", "-"}, {"read", "-"}, {"read", "--tree", "-"}} {
			outs := [2]string{}
			codes := [2]int{}
			for i, in := range [][]byte{flat, padded} {
				var out, errOut bytes.Buffer
				codes[i] = run(&env{stdin: bytes.NewReader(in), stdout: &out, stderr: &errOut}, args)
				outs[i] = out.String() + errOut.String()
			}
			if codes[0] != codes[1] || outs[0] != outs[1] {
				t.Errorf("%s %v: exit %d and %d, outputs differ:\n%s\n---\n%s", filepath.Base(file), args, codes[0], codes[1], outs[0], outs[1])
			}
		}
	}
}
