package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

const samples277 = "../../testdata/x12/277ca/"

// TestRead277CA: a 277CA is read into its claims with their verdicts and
// the meanings of their codes, the code lists dated; an envelope finding
// gives exit 1 with everything written; an ISA that is not fixed width
// gives exit 2 and nothing.
func TestRead277CA(t *testing.T) {
	type out struct {
		Type      string `json:"type"`
		CodeLists struct {
			AsOf string `json:"as_of"`
		} `json:"code_lists"`
		Acks []struct {
			Sources []struct {
				Receivers []struct {
					Batch     string `json:"batch"`
					Providers []struct {
						Patients []struct {
							Claims []struct {
								ID       string `json:"claim_id"`
								Verdict  string `json:"verdict"`
								ICN      string `json:"payer_claim_control_number"`
								Statuses []struct {
									Codes []struct {
										Code    string `json:"code"`
										Meaning string `json:"code_meaning"`
									} `json:"codes"`
								} `json:"statuses"`
							} `json:"claims"`
						} `json:"patients"`
					} `json:"providers"`
				} `json:"receivers"`
			} `json:"sources"`
			Findings []struct {
				Kind    string `json:"kind"`
				Element string `json:"element"`
			} `json:"findings"`
		} `json:"claim_acknowledgments"`
	}
	read := func(file string) (int, out, string) {
		var stdout, stderr bytes.Buffer
		code := run(&env{stdout: &stdout, stderr: &stderr}, []string{"read", file})
		var o out
		if stdout.Len() > 0 {
			if err := json.Unmarshal(stdout.Bytes(), &o); err != nil {
				t.Fatalf("%s: %v\n%s", file, err, stdout.String())
			}
		}
		return code, o, stderr.String()
	}

	code, o, stderr := read(samples277 + "oopfactory__FromAlexbrodsky.x12")
	if code != exitOK || o.Type != "277CA" || o.CodeLists.AsOf == "" || len(o.Acks) != 1 {
		t.Fatalf("exit %d, %+v, %s", code, o, stderr)
	}
	rc := o.Acks[0].Sources[0].Receivers[0]
	c := rc.Providers[0].Patients[0].Claims[0]
	if rc.Batch != "11200001" || c.ID != "3920394930203" || c.Verdict != "rejected" || c.ICN != "1107000000001120" ||
		c.Statuses[0].Codes[0].Code != "562" || !strings.HasPrefix(c.Statuses[0].Codes[0].Meaning, "Entity's National Provider Identifier") {
		t.Errorf("claim %+v of batch %s", c, rc.Batch)
	}

	code, o, stderr = read(samples277 + "x12org-via-opendental__005010x214-example-2.edi")
	if code != exitFindings || len(o.Acks) != 1 || len(o.Acks[0].Findings) != 1 || o.Acks[0].Findings[0].Element != "SE02" ||
		!strings.Contains(stderr, "1 acknowledgments, 1 findings") {
		t.Errorf("example 2: exit %d, %+v, %s", code, o, stderr)
	}

	code, o, stderr = read("../../x12/x214/testdata/oopfactory__FromLatitude81uk.x12")
	if code != exitInput || o.Type != "" || !strings.Contains(stderr, "ISA12") {
		t.Errorf("Latitude81uk: exit %d, %+v, %s", code, o, stderr)
	}
}

// TestReadRefusesOther277s: a 277 that is not a claim acknowledgment (the
// 005010X212 claim status response) is named and refused.
func TestReadRefusesOther277s(t *testing.T) {
	data, err := os.ReadFile(samples277 + "x12org-via-opendental__005010x214-example-3.edi")
	if err != nil {
		t.Fatal(err)
	}
	in := strings.ReplaceAll(string(data), "005010X214", "005010X212")
	code, stdout, stderr := runCmd(in, "read", "-")
	if code != exitInput || stdout != "" || !strings.Contains(stderr, "this is a 277 (005010X212)") {
		t.Errorf("exit %d, %q, %s", code, stdout, stderr)
	}
}
