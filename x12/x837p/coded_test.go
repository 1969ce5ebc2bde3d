package x837p

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/x12"
)

// A claim written and read back is the claim that went in, as far as the
// 837P carries it, and the Decoder says where its CLM and each SV1 are.
func TestCodedRoundTrip(t *testing.T) {
	in := []*claim.Claim{loadClaim(t), loadClaim(t)}
	second := in[1]
	second.ID = "HIT20260101B"
	second.Patient = &claim.Patient{Last: "DOE", First: "JIM", DOB: *second.Subscriber.DOB + 9000, Sex: "M",
		Relationship: "child", Address: *second.Subscriber.Address}
	second.Payer.Filing = "MB"
	second.Ordering = &claim.Person{NPI: "1679576722", Last: "WELBY", First: "MARCUS"}
	var xs []*Claim
	for _, c := range in {
		x, err := Build(c, testOptions)
		if err != nil {
			t.Fatal(err)
		}
		xs = append(xs, x)
	}
	var buf bytes.Buffer
	if err := Write(&buf, xs, skeletonControl); err != nil {
		t.Fatal(err)
	}
	// The segments by position, to check what Positions point at.
	var ids []string
	r := x12.NewReader(bytes.NewReader(buf.Bytes()))
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID()+"*"+s.Element(1))
	}
	d := NewDecoder(bytes.NewReader(buf.Bytes()))
	for k, want := range in {
		x, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		got := x.Coded(codeset.Default())
		pos := d.Positions()
		if s := ids[pos.Claim.Segment-1]; s != "CLM*"+want.ID {
			t.Errorf("claim %d: Positions().Claim is segment %d, %s; want its CLM", k, pos.Claim.Segment, s)
		}
		if len(pos.Lines) != len(want.Lines) {
			t.Fatalf("claim %d: %d line positions, want %d", k, len(pos.Lines), len(want.Lines))
		}
		for i, l := range want.Lines {
			if s := ids[pos.Lines[i].Segment-1]; !strings.HasPrefix(s, "SV1*HC:"+l.Code) {
				t.Errorf("claim %d line %d: position is segment %d, %s; want its SV1", k, i+1, pos.Lines[i].Segment, s)
			}
		}
		// The lines as the 837P carries them: no reasons, no therapy, text
		// in upper case.
		wantLines := make([]claim.Line, len(want.Lines))
		for i, l := range want.Lines {
			l.Why, l.Therapy, l.Description = []claim.Reason{}, "", strings.ToUpper(l.Description)
			wantLines[i] = l
		}
		g, _ := json.Marshal(got.Lines)
		w, _ := json.Marshal(wantLines)
		if string(g) != string(w) {
			t.Errorf("claim %d lines:\n got %s\nwant %s", k, g, w)
		}
		if got.ID != want.ID || got.Total != want.Total || got.Payer != want.Payer || got.Subscriber.MemberID != want.Subscriber.MemberID {
			t.Errorf("claim %d header: got %+v, want %+v", k, got, want)
		}
		if (got.Patient == nil) != (want.Patient == nil) || got.Patient != nil && got.Patient.Relationship != want.Patient.Relationship {
			t.Errorf("claim %d patient: got %+v, want %+v", k, got.Patient, want.Patient)
		}
		if want.Patient == nil && got.Subscriber.Relationship != "self" {
			t.Errorf("claim %d: subscriber relationship %q, want self", k, got.Subscriber.Relationship)
		}
		if got.Period.From != want.Lines[0].From || got.Period.To != want.Lines[2].To || (got.Ordering == nil) != (want.Ordering == nil) ||
			got.Ordering != nil && *got.Ordering != *want.Ordering {
			t.Errorf("claim %d: period %v, ordering %+v", k, got.Period, got.Ordering)
		}
	}
	if _, err := d.Next(); err != io.EOF {
		t.Errorf("after the last claim: %v, want io.EOF", err)
	}
}
