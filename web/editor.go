package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/episode"
	"github.com/perdiem/perdiem/profile"
	"github.com/perdiem/perdiem/therapy"
)

// The editor's form names each input by its field path in the episode
// document (therapies[0].holds[1].from), so the problems episode.Decode
// reports land beside the inputs they are about. Fields the form does not
// show (infusion days, supplies, the claim block, …) are kept from the
// version being edited.

// fieldKind says how a form value becomes a JSON value.
type fieldKind int

const (
	textField fieldKind = iota
	dateField
	numberField
	intField
	triField   // yes / no / not known
	checkField // present or not
)

// editable lists the fields of each list item the form shows, and how.
var editable = map[string][]struct {
	name string
	kind fieldKind
}{
	"therapies": {{"id", textField}, {"type", textField}, {"start", dateField}, {"end", dateField},
		{"every_hours", numberField}, {"continuous", triField}, {"liters_per_day", numberField}, {"method", textField},
		{"lumens", intField}, {"site", textField}, {"description", textField}},
	"changes": {{"from", dateField}, {"every_hours", numberField}, {"continuous", triField}, {"liters_per_day", numberField},
		{"method", textField}, {"site", textField}},
	"holds":  {{"from", dateField}, {"to", dateField}, {"reason", textField}},
	"visits": {{"date", dateField}, {"minutes", intField}, {"nurse", textField}, {"specialty", checkField}, {"site", textField}, {"therapy", textField}},
	"drugs": {{"therapy", textField}, {"hcpcs", textField}, {"ndc", textField}, {"from", dateField}, {"to", dateField},
		{"dose", numberField}, {"dose_unit", textField}, {"doses", intField}, {"ndc_quantity", numberField}, {"ndc_unit", textField}},
	"period": {{"from", dateField}, {"to", dateField}},
}

// Editor is the editor form's view model: the values of its inputs by
// field path, the problems by field path, and the shape of the lists.
type Editor struct {
	EpisodeID string
	// Base is the version the edit starts from; saving it makes Base+1,
	// or is refused when someone saved in between.
	Base      int
	Values    map[string]string
	Errors    map[string]string
	Problems  []episode.Problem // those no input shows
	Therapies []TherapyForm
	Visits    []int
	Drugs     []int
	ReadOnly  bool
	// PayerProfile is the profile of the episode's payer, which its
	// claims are coded under whatever the document's own profile says;
	// empty for an episode without a payer.
	PayerProfile string
}

// TherapyForm is the shape of one therapy in the form.
type TherapyForm struct {
	Index   int
	Changes []int
	Holds   []int
}

var itemKey = regexp.MustCompile(`^(therapies|visits|drugs)\[(\d+)\](?:\.(changes|holds)\[(\d+)\])?(?:\.([a-z_]+))?$`)

// EditorFromDocument fills the form with a stored document.
func EditorFromDocument(id string, base int, doc []byte) (*Editor, error) {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("episode %s version %d: %w", id, base, err)
	}
	e := &Editor{EpisodeID: id, Base: base, Values: map[string]string{}, Errors: map[string]string{}}
	if p, ok := m["profile"].(string); ok {
		e.Values["profile"] = p
	}
	if p, ok := m["period"].(map[string]any); ok {
		e.fill("period", p, editable["period"])
	}
	for i, t := range list(m["therapies"]) {
		path := fmt.Sprintf("therapies[%d]", i)
		if t["every_hours"] == nil && t["every_days"] != nil {
			if n, err := t["every_days"].(json.Number).Float64(); err == nil {
				t["every_hours"] = json.Number(strconv.FormatFloat(n*24, 'f', -1, 64))
			}
		}
		e.fill(path, t, editable["therapies"])
		tf := TherapyForm{Index: i}
		for j, c := range list(t["changes"]) {
			if c["every_hours"] == nil && c["every_days"] != nil {
				if n, err := c["every_days"].(json.Number).Float64(); err == nil {
					c["every_hours"] = json.Number(strconv.FormatFloat(n*24, 'f', -1, 64))
				}
			}
			e.fill(fmt.Sprintf("%s.changes[%d]", path, j), c, editable["changes"])
			tf.Changes = append(tf.Changes, j)
		}
		for j, h := range list(t["holds"]) {
			e.fill(fmt.Sprintf("%s.holds[%d]", path, j), h, editable["holds"])
			tf.Holds = append(tf.Holds, j)
		}
		e.Therapies = append(e.Therapies, tf)
	}
	for i, v := range list(m["visits"]) {
		e.fill(fmt.Sprintf("visits[%d]", i), v, editable["visits"])
		e.Visits = append(e.Visits, i)
	}
	for i, g := range list(m["drugs"]) {
		e.fill(fmt.Sprintf("drugs[%d]", i), g, editable["drugs"])
		e.Drugs = append(e.Drugs, i)
	}
	return e, nil
}

func list(v any) []map[string]any {
	a, _ := v.([]any)
	out := make([]map[string]any, 0, len(a))
	for _, x := range a {
		if o, ok := x.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

func (e *Editor) fill(path string, obj map[string]any, fields []struct {
	name string
	kind fieldKind
}) {
	for _, f := range fields {
		v, ok := obj[f.name]
		if !ok || v == nil {
			continue
		}
		key := path + "." + f.name
		switch x := v.(type) {
		case string:
			if f.kind == dateField {
				if d, err := civil.Parse(x); err == nil {
					x = usDate(d)
				}
			}
			e.Values[key] = x
		case json.Number:
			e.Values[key] = x.String()
		case bool:
			if x {
				e.Values[key] = "yes"
			} else if f.kind == triField {
				e.Values[key] = "no"
			}
		}
	}
}

// EditorFromForm reads a submitted form: the values as typed, and the list
// shape, with an item marked _remove left out and one named by add put in.
func EditorFromForm(id string, form url.Values, add string) *Editor {
	e := &Editor{EpisodeID: id, Values: map[string]string{}, Errors: map[string]string{}}
	e.Base, _ = strconv.Atoi(form.Get("_base"))
	therapies := map[int]*TherapyForm{}
	visits, drugs := map[int]bool{}, map[int]bool{}
	removed := map[string]bool{}
	for k := range form {
		if p, ok := strings.CutSuffix(k, "._remove"); ok && form.Get(k) != "" {
			removed[p] = true
		}
	}
	for k, vs := range form {
		if strings.HasPrefix(k, "_") || strings.HasSuffix(k, "._remove") {
			continue
		}
		m := itemKey.FindStringSubmatch(k)
		if m == nil {
			if k == "profile" || k == "period.from" || k == "period.to" {
				e.Values[k] = strings.TrimSpace(vs[0])
			}
			continue
		}
		i, _ := strconv.Atoi(m[2])
		item := m[1] + "[" + m[2] + "]"
		if removed[item] {
			continue
		}
		switch m[1] {
		case "therapies":
			tf := therapies[i]
			if tf == nil {
				tf = &TherapyForm{Index: i}
				therapies[i] = tf
			}
			if m[3] != "" {
				j, _ := strconv.Atoi(m[4])
				if removed[item+"."+m[3]+"["+m[4]+"]"] {
					continue
				}
				if m[3] == "changes" && !contains(tf.Changes, j) {
					tf.Changes = append(tf.Changes, j)
				}
				if m[3] == "holds" && !contains(tf.Holds, j) {
					tf.Holds = append(tf.Holds, j)
				}
			}
		case "visits":
			visits[i] = true
		case "drugs":
			drugs[i] = true
		}
		if m[5] != "" {
			e.Values[k] = strings.TrimSpace(vs[0])
		}
	}
	keys := make([]int, 0, len(therapies))
	for i := range therapies {
		keys = append(keys, i)
	}
	sort.Ints(keys)
	for _, i := range keys {
		tf := therapies[i]
		sort.Ints(tf.Changes)
		sort.Ints(tf.Holds)
		e.Therapies = append(e.Therapies, *tf)
	}
	e.Visits = sortedKeys(visits)
	e.Drugs = sortedKeys(drugs)
	e.add(add)
	return e
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

func next(xs []int) int {
	n := 0
	for _, x := range xs {
		n = max(n, x+1)
	}
	return n
}

// add puts a blank item in the list named by what: "therapies",
// "visits", "drugs", or "therapies[i].holds" / "therapies[i].changes".
func (e *Editor) add(what string) {
	switch what {
	case "therapies":
		n := 0
		for _, t := range e.Therapies {
			n = max(n, t.Index+1)
		}
		e.Therapies = append(e.Therapies, TherapyForm{Index: n})
	case "visits":
		e.Visits = append(e.Visits, next(e.Visits))
	case "drugs":
		e.Drugs = append(e.Drugs, next(e.Drugs))
	default:
		for k := range e.Therapies {
			t := &e.Therapies[k]
			switch what {
			case fmt.Sprintf("therapies[%d].holds", t.Index):
				t.Holds = append(t.Holds, next(t.Holds))
			case fmt.Sprintf("therapies[%d].changes", t.Index):
				t.Changes = append(t.Changes, next(t.Changes))
			}
		}
	}
}

// Document builds the episode document of the form over base, the stored
// version: list items are renumbered in order, and each keeps the fields
// the form does not show from the base item of its original index. Values
// that are not dates or numbers where those are wanted are problems at
// their paths (in the renumbered document).
func (e *Editor) Document(base []byte) ([]byte, []episode.Problem) {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(base))
	d.UseNumber()
	if err := d.Decode(&m); err != nil || m == nil {
		m = map[string]any{}
	}
	var probs []episode.Problem
	// renamed maps a path of the form to its path in the document, for
	// errors shown beside inputs.
	set := func(obj map[string]any, formPath, docPath, name string, kind fieldKind) {
		raw, ok := e.Values[formPath+"."+name]
		if !ok || raw == "" {
			delete(obj, name)
			if name == "every_hours" {
				// every_days was shown as every_hours.
				delete(obj, "every_days")
			}
			return
		}
		bad := func(want string) {
			probs = append(probs, episode.Problem{Path: docPath + "." + name, Message: fmt.Sprintf("%q: want %s", raw, want)})
		}
		switch kind {
		case dateField:
			dd, err := parseUSDate(raw)
			if err != nil {
				bad("a date as MM/DD/YYYY")
				return
			}
			obj[name] = dd.String()
		case numberField:
			if _, err := strconv.ParseFloat(raw, 64); err != nil {
				bad("a number")
				return
			}
			obj[name] = json.Number(raw)
		case intField:
			if _, err := strconv.Atoi(raw); err != nil {
				bad("a whole number")
				return
			}
			obj[name] = json.Number(raw)
		case triField:
			switch raw {
			case "yes":
				obj[name] = true
			case "no":
				obj[name] = false
			default:
				delete(obj, name)
			}
		case checkField:
			obj[name] = raw == "yes" || raw == "on"
			if obj[name] == false {
				delete(obj, name)
			}
		default:
			obj[name] = raw
		}
		if name == "every_hours" {
			delete(obj, "every_days")
		}
	}
	if v := e.Values["profile"]; v != "" {
		m["profile"] = v
	} else {
		delete(m, "profile")
	}
	if e.Values["period.from"] != "" || e.Values["period.to"] != "" {
		p, _ := m["period"].(map[string]any)
		if p == nil {
			p = map[string]any{}
		}
		for _, f := range editable["period"] {
			set(p, "period", "period", f.name, f.kind)
		}
		m["period"] = p
	} else {
		delete(m, "period")
	}
	baseTherapies := list(m["therapies"])
	therapies := []any{}
	for k, tf := range e.Therapies {
		form := fmt.Sprintf("therapies[%d]", tf.Index)
		doc := fmt.Sprintf("therapies[%d]", k)
		t := map[string]any{}
		if tf.Index < len(baseTherapies) {
			t = baseTherapies[tf.Index]
		}
		for _, f := range editable["therapies"] {
			set(t, form, doc, f.name, f.kind)
		}
		for _, sub := range []struct {
			name  string
			items []int
		}{{"changes", tf.Changes}, {"holds", tf.Holds}} {
			baseItems := list(t[sub.name])
			items := []any{}
			for j, idx := range sub.items {
				o := map[string]any{}
				if idx < len(baseItems) {
					o = baseItems[idx]
				}
				for _, f := range editable[sub.name] {
					set(o, fmt.Sprintf("%s.%s[%d]", form, sub.name, idx), fmt.Sprintf("%s.%s[%d]", doc, sub.name, j), f.name, f.kind)
				}
				items = append(items, o)
			}
			if len(items) > 0 {
				t[sub.name] = items
			} else {
				delete(t, sub.name)
			}
		}
		therapies = append(therapies, t)
	}
	m["therapies"] = therapies
	for _, l := range []struct {
		name  string
		items []int
	}{{"visits", e.Visits}, {"drugs", e.Drugs}} {
		baseItems := list(m[l.name])
		items := []any{}
		for k, idx := range l.items {
			o := map[string]any{}
			if idx < len(baseItems) {
				o = baseItems[idx]
			}
			for _, f := range editable[l.name] {
				set(o, fmt.Sprintf("%s[%d]", l.name, idx), fmt.Sprintf("%s[%d]", l.name, k), f.name, f.kind)
			}
			items = append(items, o)
		}
		if len(items) > 0 {
			m[l.name] = items
		} else {
			delete(m, l.name)
		}
	}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		probs = append(probs, episode.Problem{Message: err.Error()})
	}
	return out, probs
}

// formPath turns a path of the built document back into the path of the
// form, whose list indexes may have gaps after removals.
func (e *Editor) formPath(p string) string {
	m := itemKey.FindStringSubmatch(p)
	if m == nil {
		return p
	}
	k, _ := strconv.Atoi(m[2])
	var out string
	switch m[1] {
	case "therapies":
		if k >= len(e.Therapies) {
			return p
		}
		tf := e.Therapies[k]
		out = fmt.Sprintf("therapies[%d]", tf.Index)
		if m[3] != "" {
			j, _ := strconv.Atoi(m[4])
			items := tf.Changes
			if m[3] == "holds" {
				items = tf.Holds
			}
			if j >= len(items) {
				return p
			}
			out += fmt.Sprintf(".%s[%d]", m[3], items[j])
		}
	case "visits", "drugs":
		items := e.Visits
		if m[1] == "drugs" {
			items = e.Drugs
		}
		if k >= len(items) {
			return p
		}
		out = fmt.Sprintf("%s[%d]", m[1], items[k])
	}
	if m[5] != "" {
		out += "." + m[5]
	}
	return out
}

// SetProblems puts each problem beside its input, or in Problems when no
// input shows its field.
func (e *Editor) SetProblems(probs []episode.Problem) {
	for _, p := range probs {
		fp := e.formPath(p.Path)
		if e.hasInput(fp) {
			if e.Errors[fp] == "" {
				e.Errors[fp] = p.Message
			}
			continue
		}
		e.Problems = append(e.Problems, p)
	}
}

func (e *Editor) hasInput(path string) bool {
	if path == "profile" || path == "period.from" || path == "period.to" {
		return true
	}
	m := itemKey.FindStringSubmatch(path)
	if m == nil || m[5] == "" {
		return false
	}
	list := m[1]
	if m[3] != "" {
		list = m[3]
	}
	for _, f := range editable[list] {
		if f.name == m[5] {
			return true
		}
	}
	return false
}

var usDatePattern = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)

// parseUSDate reads MM/DD/YYYY (leading zeros optional), or an ISO date
// as the API writes them.
func parseUSDate(s string) (civil.Date, error) {
	m := usDatePattern.FindStringSubmatch(s)
	if m == nil {
		return civil.Parse(s)
	}
	mo, _ := strconv.Atoi(m[1])
	d, _ := strconv.Atoi(m[2])
	return civil.Parse(fmt.Sprintf("%s-%02d-%02d", m[3], mo, d))
}

// Input renders one labelled input of the form, with its problem beside it.
func (e *Editor) Input(path, label, kind string) template.HTML {
	id := "f-" + strings.NewReplacer("[", "-", "]", "", ".", "-").Replace(path)
	val := e.Values[path]
	msg := e.Errors[path]
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="field field-%s"><label for="%s">%s</label>`, kind, id, html.EscapeString(label))
	attrs := fmt.Sprintf(`id="%s" name="%s"`, id, html.EscapeString(path))
	hint := ""
	if kind == "profile" && e.PayerProfile != "" {
		hint = "The episode's payer bills under profile " + e.PayerProfile + ", which its claims and this preview use; this field only keeps the document's own profile."
	}
	switch {
	case msg != "" && hint != "":
		attrs += fmt.Sprintf(` aria-invalid="true" aria-describedby="%s-err %s-hint"`, id, id)
	case msg != "":
		attrs += fmt.Sprintf(` aria-invalid="true" aria-describedby="%s-err"`, id)
	case hint != "":
		attrs += fmt.Sprintf(` aria-describedby="%s-hint"`, id)
	}
	if e.ReadOnly {
		attrs += " disabled"
	}
	option := func(v, text string) {
		sel := ""
		if v == val {
			sel = " selected"
		}
		fmt.Fprintf(&b, `<option value="%s"%s>%s</option>`, html.EscapeString(v), sel, html.EscapeString(text))
	}
	switch kind {
	case "type":
		fmt.Fprintf(&b, `<select %s>`, attrs)
		option("", "(choose)")
		for _, t := range therapy.Types() {
			option(t, t)
		}
		if val != "" && !therapy.Known(val) {
			option(val, val)
		}
		b.WriteString(`</select>`)
	case "profile":
		fmt.Fprintf(&b, `<select %s>`, attrs)
		option("", "nhia (default)")
		for _, p := range profile.List() {
			option(p.ID, p.ID)
		}
		b.WriteString(`</select>`)
	case "tri":
		fmt.Fprintf(&b, `<select %s>`, attrs)
		option("", "not known")
		option("yes", "yes")
		option("no", "no")
		b.WriteString(`</select>`)
	case "check":
		fmt.Fprintf(&b, `<select %s>`, attrs)
		option("", "no")
		option("yes", "yes")
		b.WriteString(`</select>`)
	case "date":
		fmt.Fprintf(&b, `<input %s type="text" inputmode="numeric" placeholder="MM/DD/YYYY" size="10" value="%s">`, attrs, html.EscapeString(val))
	case "number":
		fmt.Fprintf(&b, `<input %s type="text" inputmode="decimal" size="6" value="%s">`, attrs, html.EscapeString(val))
	default:
		fmt.Fprintf(&b, `<input %s type="text" size="%d" value="%s">`, attrs, inputSize(path), html.EscapeString(val))
	}
	if msg != "" {
		fmt.Fprintf(&b, `<span class="field-error" id="%s-err">%s</span>`, id, html.EscapeString(msg))
	}
	if hint != "" {
		fmt.Fprintf(&b, `<span class="field-hint" id="%s-hint">%s</span>`, id, html.EscapeString(hint))
	}
	b.WriteString(`</div>`)
	return template.HTML(b.String())
}

func inputSize(path string) int {
	switch {
	case strings.HasSuffix(path, ".description"):
		return 24
	case strings.HasSuffix(path, ".reason"), strings.HasSuffix(path, ".ndc"):
		return 14
	}
	return 8
}
