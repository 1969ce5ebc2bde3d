package workspace_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/codeset"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/x12/x222"
)

func (f *fixture) build(ids []string, usage string) (store.Interchange, error) {
	var ic store.Interchange
	err := f.try(func(tx *store.Tx) error {
		var err error
		ic, err = f.ws.BuildInterchange(tx, ids, usage)
		return err
	})
	return ic, err
}

func TestBuildInterchange(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		a, b := f.newClaim(f.episode), f.newClaim(f.episode)
		ic, err := f.build([]string{b.ID, a.ID}, "")
		if err != nil {
			t.Fatal(err)
		}
		if ic.Control != 1 || ic.GS06 != 1 || len(ic.ClaimIDs) != 2 || ic.ClaimIDs[0] != b.ID {
			t.Fatalf("interchange %+v", ic)
		}
		x := string(ic.Content)
		for _, want := range []string{"*260602*0930*^*00501*000000001*0*T*:~", "GS*HC*", "*20260602*0930*1*X*005010X222A1~", "CLM*" + b.ID + "*", "CLM*" + a.ID + "*"} {
			if !strings.Contains(x, want) {
				t.Errorf("the 837P has no %q:\n%s", want, x)
			}
		}
		if strings.Index(x, "CLM*"+b.ID) > strings.Index(x, "CLM*"+a.ID) {
			t.Errorf("the claims are not in the order given")
		}
		rep, err := x222.Validate(bytes.NewReader(ic.Content), x222.Options{Codes: codeset.Default()})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Sets != 1 || rep.Accepted != 1 {
			t.Errorf("the 837P: %d of %d sets accepted: %+v", rep.Accepted, rep.Sets, rep.Findings)
		}
		for _, id := range []string{a.ID, b.ID} {
			if s := f.claim(id).Status; s != store.Submitted {
				t.Errorf("claim %s is %s", id, s)
			}
		}
		c := f.newClaim(f.episode)
		ic2, err := f.build([]string{c.ID}, "P")
		if err != nil {
			t.Fatal(err)
		}
		if ic2.Control != 2 || !bytes.Contains(ic2.Content, []byte("*000000002*0*P*:~")) {
			t.Errorf("the second interchange: control %d\n%s", ic2.Control, ic2.Content)
		}
	})
}

func TestBuildInterchangeErrors(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		sent := f.newClaim(f.episode)
		if _, err := f.build([]string{sent.ID}, "T"); err != nil {
			t.Fatal(err)
		}
		fresh := f.newClaim(f.episode)
		// A claim whose submitter (ISA06) differs from the first's cannot
		// share its interchange.
		otherSubmitter := f.newClaim(f.newEpisode(f.payer, edit(t, f.doc, `"sender": "HITSUBMIT"`, `"sender": "OTHERSUB"`)))
		tests := []struct {
			name  string
			ids   []string
			usage string
			code  errs.Code
			path  string
		}{
			{"usage not T or P", []string{fresh.ID}, "X", errs.Invalid, "usage"},
			{"no claims", nil, "T", errs.Invalid, "claims"},
			{"no such claim", []string{fresh.ID, "C-nobody"}, "T", errs.NotFound, ""},
			{"a claim sent already", []string{fresh.ID, sent.ID}, "T", errs.Conflict, ""},
			{"the same claim twice", []string{fresh.ID, fresh.ID}, "T", errs.Invalid, ""},
			{"another submitter", []string{fresh.ID, otherSubmitter.ID}, "T", errs.Invalid, "claims[1]"},
		}
		for _, tt := range tests {
			_, err := f.build(tt.ids, tt.usage)
			wantErr(t, tt.name, err, tt.code, tt.path)
		}
		if s := f.claim(fresh.ID).Status; s != store.Draft {
			t.Errorf("after the failures the claim is %s", s)
		}
		// No failure burned a control number.
		ic, err := f.build([]string{fresh.ID}, "T")
		if err != nil {
			t.Fatal(err)
		}
		if ic.Control != 2 {
			t.Errorf("control %d after one interchange and failures, want 2", ic.Control)
		}
	})
}
