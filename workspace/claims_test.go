package workspace_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/claim"
	"github.com/perdiem/perdiem/coding"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/profile"
	"github.com/perdiem/perdiem/store"
	"github.com/perdiem/perdiem/workspace"
)

func TestCheckPeriod(t *testing.T) {
	d := civil.FromYMD
	tests := []struct {
		name     string
		from, to civil.Date
		paths    []string
	}{
		{"a month", d(2026, 5, 1), d(2026, 5, 31), nil},
		{"one day", d(2026, 5, 1), d(2026, 5, 1), nil},
		{"no from", 0, d(2026, 5, 31), []string{"from"}},
		{"no to", d(2026, 5, 1), 0, []string{"to"}},
		{"neither", 0, 0, []string{"from", "to"}},
		{"to before from", d(2026, 5, 31), d(2026, 5, 1), []string{"to"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			span, err := workspace.CheckPeriod(tt.from, tt.to)
			if tt.paths == nil {
				if err != nil || span != (civil.Span{From: tt.from, To: tt.to}) {
					t.Fatalf("%v, %v", span, err)
				}
				return
			}
			var got []string
			for _, p := range errs.ProblemsOf(err) {
				got = append(got, p.Path)
			}
			if errs.CodeOf(err) != errs.Invalid || !reflect.DeepEqual(got, tt.paths) {
				t.Errorf("error %v: paths %v, want %v", err, got, tt.paths)
			}
		})
	}
}

// hasProfile reports whether some reason of a line cites profile id, as
// the engine does for each setting a profile changes.
func hasProfile(lines []struct{ why []string }, id string) bool {
	for _, l := range lines {
		for _, w := range l.why {
			if strings.Contains(w, "(profile "+id+",") {
				return true
			}
		}
	}
	return false
}

func reasonsOf(c store.Claim) []struct{ why []string } {
	var out []struct{ why []string }
	for _, l := range c.Claim.Lines {
		var w []string
		for _, r := range l.Why {
			w = append(w, r.Text)
		}
		out = append(out, struct{ why []string }{w})
	}
	return out
}

func TestCreateClaimCodesUnderThePayersProfile(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.newClaim(f.episode)
		if c.Status != store.Draft || c.EpisodeVersion != 1 || c.PayerID != f.payer || c.Period != may || len(c.Claim.Lines) == 0 {
			t.Fatalf("claim %+v", c)
		}
		if !hasProfile(reasonsOf(c), payerProfile) {
			t.Errorf("no line of the claim cites profile %s: %+v", payerProfile, c.Claim.Lines)
		}
		// The same document with no payer is coded under its own profile
		// (none named: the NHIA defaults), and bills more per diem units
		// (bcbs-tx counts infusion days only).
		own := f.newClaim(f.newEpisode("", f.doc))
		if hasProfile(reasonsOf(own), payerProfile) {
			t.Errorf("a claim of an episode without a payer cites profile %s", payerProfile)
		}
		if units(own, "S9500")+units(own, "S9501") <= units(c, "S9500")+units(c, "S9501") {
			t.Errorf("per diem units: %v under the NHIA defaults, %v under %s", units(own, "S9500")+units(own, "S9501"), units(c, "S9500")+units(c, "S9501"), payerProfile)
		}
		// The claim remembers the version it was coded from.
		f.do(func(tx *store.Tx) error {
			_, err := tx.UpdateEpisode(f.episode, 1, edit(t, f.doc, `"minutes": 120`, `"minutes": 90`))
			return err
		})
		if c2 := f.newClaim(f.episode); c2.EpisodeVersion != 2 {
			t.Errorf("a claim after the edit is of version %d", c2.EpisodeVersion)
		}
	})
}

func units(c store.Claim, code string) float64 {
	var n float64
	for _, l := range c.Claim.Lines {
		if l.Code == code {
			n += l.Units
		}
	}
	return n
}

func TestCreateClaimErrors(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		var badPayer string
		f.do(func(tx *store.Tx) error {
			// A profile that is not shipped (one removed since the payer
			// was made).
			py, err := tx.CreatePayer(store.Payer{Name: "Gone Plan", ProfileID: "no-such-profile", PayerID: "GONE1"})
			badPayer = py.ID
			return err
		})
		tests := []struct {
			name    string
			episode string
			period  civil.Span
			code    errs.Code
			path    string
		}{
			{"no such episode", "E-nobody", may, errs.NotFound, ""},
			{"nothing to bill", f.episode, civil.Span{From: civil.FromYMD(2026, 7, 1), To: civil.FromYMD(2026, 7, 31)}, errs.Invalid, "from"},
			{"no claim block", f.newEpisode(f.payer, without(t, f.doc, "claim")), may, errs.Invalid, "claim"},
			{"a bad billing provider NPI", f.newEpisode(f.payer, edit(t, f.doc, `"npi": "1234567893"`, `"npi": "1234567890"`)), may, errs.Invalid, "claim.billing_provider.npi"},
			{"the payer's profile is gone", f.newEpisode(badPayer, f.doc), may, errs.Invalid, "payer.profile_id"},
		}
		for _, tt := range tests {
			err := f.try(func(tx *store.Tx) error {
				_, err := f.ws.CreateClaim(tx, tt.episode, tt.period)
				return err
			})
			wantErr(t, tt.name, err, tt.code, tt.path)
		}
		f.do(func(tx *store.Tx) error {
			cs, _, err := tx.Claims(store.ClaimFilter{}, store.Page{})
			if len(cs) != 0 {
				t.Errorf("%d claims kept after errors only", len(cs))
			}
			return err
		})
	})
}

// TestCodingOptionsCodeAsTheClaim holds the calendar and the editor's
// preview (which code with CodingOptions) to the claim: the same document
// and period give the same lines.
func TestCodingOptionsCodeAsTheClaim(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.newClaim(f.episode)
		var opt coding.Options
		f.do(func(tx *store.Tx) error {
			e, _, err := tx.Episode(f.episode)
			if err != nil {
				return err
			}
			opt, err = f.ws.CodingOptions(tx, e)
			return err
		})
		if opt.Profile == nil || opt.Profile.ID != payerProfile || opt.Codes != f.ws.Codes() {
			t.Fatalf("options %+v", opt)
		}
		doc, err := episode.Decode(f.doc)
		if err != nil {
			t.Fatal(err)
		}
		doc.Period = &episode.Period{From: may.From, To: may.To}
		res, err := coding.Code(doc, opt)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.Lines, c.Result.Lines) {
			t.Errorf("coded with CodingOptions:\n%+v\nthe claim's:\n%+v", res.Lines, c.Result.Lines)
		}
	})
}

// TestClaimReasonsNameTheClaim: the reason LN-4 of every line names the
// claim the line is on, the id the claim is kept under.
func TestClaimReasonsNameTheClaim(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.claim(f.newClaim(f.episode).ID)
		for _, l := range c.Claim.Lines {
			if !strings.HasPrefix(l.ID, c.ID+"-") {
				t.Errorf("line %s of claim %s", l.ID, c.ID)
			}
			var ln4 []string
			for _, r := range l.Why {
				if r.Rule == "LN-4" {
					ln4 = append(ln4, r.Text)
				}
			}
			if len(ln4) != 1 || !strings.HasPrefix(ln4[0], "on claim "+c.ID+" ") {
				t.Errorf("line %s: LN-4 %q, want one naming claim %s", l.ID, ln4, c.ID)
			}
		}
	})
}

// TestClaimProfile: a stored claim is checked under its payer's profile
// whatever the claim names; without a payer, under the profile the claim
// names, else nhia; a claim naming a profile not shipped is a problem at
// claim.profile.
func TestClaimProfile(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		c := f.newClaim(f.episode)
		c.Claim.Profile = "hmsa"
		cases := []struct {
			name  string
			claim store.Claim
			want  string // profile id, or "" for the invalid problem
		}{
			{"payer's", c, payerProfile},
			{"the claim's own", store.Claim{PatientID: f.patient, Claim: &claim.Claim{Profile: "hmsa"}}, "hmsa"},
			{"none named", store.Claim{PatientID: f.patient, Claim: &claim.Claim{}}, "nhia"},
			{"no document", store.Claim{PatientID: f.patient}, "nhia"},
			{"not shipped", store.Claim{PatientID: f.patient, Claim: &claim.Claim{Profile: "no-such-plan"}}, ""},
		}
		for _, tc := range cases {
			var prof *profile.Profile
			err := f.try(func(tx *store.Tx) error {
				var err error
				prof, err = workspace.ClaimProfile(tx, tc.claim)
				return err
			})
			if tc.want == "" {
				wantErr(t, tc.name, err, errs.Invalid, "claim.profile")
				continue
			}
			if err != nil || prof == nil || prof.ID != tc.want {
				t.Errorf("%s: %v, %v; want %s", tc.name, prof, err, tc.want)
			}
		}
	})
}
