package web

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/episode"
)

// formOf is what a browser sends for an editor: every input's value.
func formOf(e *Editor) url.Values {
	f := url.Values{"_base": {"1"}}
	for k, v := range e.Values {
		f.Set(k, v)
	}
	// Lists without values still send their inputs, empty.
	for _, t := range e.Therapies {
		f.Add(strings.Replace("therapies[N].id", "N", itoa(t.Index), 1), "")
	}
	return f
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// Every example document survives the form unchanged: what the editor
// shows and sends back decodes to the same document.
func TestEditorRoundTripKeepsTheDocument(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.json")
	if len(files) < 3 {
		t.Fatalf("examples: %v", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, err := episode.Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		e, err := EditorFromDocument("e", 1, b)
		if err != nil {
			t.Fatal(err)
		}
		back := EditorFromForm("e", formOf(e), "")
		doc, probs := back.Document(b)
		if len(probs) > 0 {
			t.Fatalf("%s: %v", f, probs)
		}
		got, err := episode.Decode(doc)
		if err != nil {
			t.Fatalf("%s: the edited document: %v\n%s", f, err, doc)
		}
		if !reflect.DeepEqual(normalise(got), normalise(want)) {
			a, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Errorf("%s changed through the form:\n got %s\nwant %s", f, a, w)
		}
	}
}

// normalise writes every_days as every_hours, as the form shows it.
func normalise(d *episode.Document) *episode.Document {
	for i := range d.Therapies {
		t := &d.Therapies[i]
		if t.EveryDays != nil && t.EveryHours == nil {
			h := *t.EveryDays * 24
			t.EveryHours, t.EveryDays = &h, nil
		}
		for j := range t.Changes {
			c := &t.Changes[j]
			if c.EveryDays != nil && c.EveryHours == nil {
				h := *c.EveryDays * 24
				c.EveryHours, c.EveryDays = &h, nil
			}
		}
	}
	return d
}

func TestEditorAddsAHoldAndShowsProblemsBesideFields(t *testing.T) {
	b, err := os.ReadFile("../examples/episode.json")
	if err != nil {
		t.Fatal(err)
	}
	e, err := EditorFromDocument("e", 3, b)
	if err != nil {
		t.Fatal(err)
	}
	f := formOf(e)
	f.Set("_base", "3")
	e = EditorFromForm("e", f, "therapies[0].holds")
	if e.Base != 3 || len(e.Therapies[0].Holds) == 0 {
		t.Fatalf("base %d, holds %v", e.Base, e.Therapies[0].Holds)
	}
	n := e.Therapies[0].Holds[len(e.Therapies[0].Holds)-1]
	hold := "therapies[0].holds[" + itoa(n) + "]"
	f = formOf(e)
	f.Set(hold+".from", "03/06/2026")
	f.Set(hold+".to", "03/31/2026") // after the period: still a valid hold
	f.Set(hold+".reason", "inpatient")
	f.Set("therapies[0].every_hours", "often")
	f.Set("visits[0].date", "13/45/2026")
	e = EditorFromForm("e", f, "")
	_, probs := e.Document(b)
	e.SetProblems(probs)
	if got := e.Errors["therapies[0].every_hours"]; got != `"often": want a number` {
		t.Errorf("every_hours: %q", got)
	}
	if got := e.Errors["visits[0].date"]; !strings.Contains(got, "MM/DD/YYYY") {
		t.Errorf("visit date: %q", got)
	}
	html := string(e.Input("therapies[0].every_hours", "Every (hours)", "number"))
	for _, want := range []string{`aria-invalid="true"`, `<label for="f-therapies-0-every_hours">`, `&#34;often&#34;: want a number`} {
		if !strings.Contains(html, want) {
			t.Errorf("input %s lacks %s", html, want)
		}
	}

	// Fixed, the document takes the hold; a problem the decoder finds
	// lands beside its field even after a removed row renumbers the list.
	f.Set("therapies[0].every_hours", "8")
	f.Set("visits[0].date", "03/02/2026")
	f.Set(hold+".to", "03/01/2026") // before its from
	e = EditorFromForm("e", f, "")
	doc, probs := e.Document(b)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	_, err = episode.Decode(doc)
	var de *episode.Error
	if !asEpisodeError(err, &de) {
		t.Fatalf("a hold ending before it starts decoded: %v\n%s", err, doc)
	}
	e.SetProblems(de.Problems)
	if e.Errors[hold+".to"] == "" && e.Errors[hold+".from"] == "" {
		t.Errorf("the hold's problem %v is not beside its fields: %v / %v", de.Problems, e.Errors, e.Problems)
	}
}

func asEpisodeError(err error, target **episode.Error) bool {
	e, ok := err.(*episode.Error)
	if ok {
		*target = e
	}
	return ok
}

func TestEditorRemovesRows(t *testing.T) {
	b, err := os.ReadFile("../examples/hospitalisation.json")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := EditorFromDocument("e", 1, b)
	f := formOf(e)
	f.Set("therapies[0].holds[0]._remove", "1")
	f.Set("visits[0]._remove", "1")
	doc, probs := EditorFromForm("e", f, "").Document(b)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	d, err := episode.Decode(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Therapies[0].Holds) != 0 || len(d.Therapies[1].Holds) != 1 || len(d.Visits) != 1 || d.Visits[0].Minutes != 120 {
		t.Errorf("after removing abx's hold and the first visit: %+v %+v", d.Therapies[0].Holds, d.Visits)
	}
	if d.Claim == nil || d.Claim.ID != "HIT20260501C" {
		t.Errorf("the claim block was lost: %+v", d.Claim)
	}
}

func TestParseUSDate(t *testing.T) {
	for in, want := range map[string]string{"05/08/2026": "2026-05-08", "5/8/2026": "2026-05-08", "2026-05-08": "2026-05-08"} {
		d, err := parseUSDate(in)
		if err != nil || d.String() != want {
			t.Errorf("%s: %v %v", in, d, err)
		}
	}
	for _, in := range []string{"13/01/2026", "02/30/2026", "05/08/26", "tomorrow", "05/08/2026x"} {
		if d, err := parseUSDate(in); err == nil {
			t.Errorf("%s read as %s", in, d)
		}
	}
}

// The profile field carries the payer's note only when the episode has a
// payer, and keeps its problem described too.
func TestEditorProfileHint(t *testing.T) {
	e := &Editor{Values: map[string]string{"profile": "nhia"}, Errors: map[string]string{}}
	if got := string(e.Input("profile", "Payer profile", "profile")); strings.Contains(got, "hint") {
		t.Errorf("without a payer: %s", got)
	}
	e.PayerProfile = "medicaid-example"
	e.Errors["profile"] = "not a profile"
	got := string(e.Input("profile", "Payer profile", "profile"))
	for _, want := range []string{`aria-describedby="f-profile-err f-profile-hint"`, `bills under profile medicaid-example`, `class="field-error" id="f-profile-err"`} {
		if !strings.Contains(got, want) {
			t.Errorf("with a payer, lacks %q: %s", want, got)
		}
	}
}
