package profile

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/internal/strictjson"
	"github.com/perdiem/perdiem/therapy"
)

// Error lists every problem of a profile file, each at its field path such
// as settings.span.value.
type Error struct {
	File     string // the embedded file or "" for a user's file
	Problems []errs.Problem
}

// ErrorCode says a profile file with problems is invalid input.
func (e *Error) ErrorCode() errs.Code { return errs.Invalid }

// ErrorProblems returns the problems, each at its field path.
func (e *Error) ErrorProblems() []errs.Problem {
	return e.Problems
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if e.File != "" {
			b.WriteString(e.File + ": ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// file is the JSON form of a profile: settings not given inherit nhia.
type file struct {
	ID        string                     `json:"id"`
	Name      string                     `json:"name"`
	Effective string                     `json:"effective"`
	Source    string                     `json:"source"`
	Settings  map[string]json.RawMessage `json:"settings"`
}

// setting is one entry of file.Settings.
type setting struct {
	Value  json.RawMessage `json:"value"`
	Source string          `json:"source"`
}

// settingFields maps each setting name to its index in Settings.
var settingFields = func() map[string]int {
	t := reflect.TypeFor[Settings]()
	m := make(map[string]int, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = i
	}
	return m
}()

// SettingNames returns the setting names in the order of Settings.
func SettingNames() []string {
	names := make([]string, len(settingFields))
	for n, i := range settingFields {
		names[i] = n
	}
	return names
}

// Load reads a user's profile file strictly: unknown fields and settings,
// values of the wrong type or outside the allowed set, text that is not
// UTF-8, and any setting that differs from nhia without a source are errors
// with their path. A UTF-8 byte order mark before the file is skipped. The
// id of a shipped profile may be used only by a file that is that profile
// unchanged (what "perdiem profiles ID --format json" prints): a contract of
// one's own needs an id of its own.
func Load(r io.Reader) (*Profile, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = strictjson.BlankBOM(data)
	p, err := parse(data)
	if err != nil {
		return nil, err
	}
	if m, _ := shipped(); m[p.ID] != nil {
		if diff := differs(m[p.ID], p); diff != "" {
			var c checker
			c.add("id", "%q is a shipped profile and this file changes its %s: give your own profile an id of its own", p.ID, diff)
			return nil, c.err()
		}
		return m[p.ID], nil
	}
	return p, nil
}

// differs names what b changes from a, or returns "".
func differs(a, b *Profile) string {
	var names []string
	if a.Name != b.Name {
		names = append(names, "name")
	}
	if a.Effective != b.Effective {
		names = append(names, "effective")
	}
	if a.Source != b.Source {
		names = append(names, "source")
	}
	for _, name := range SettingNames() {
		av, as := a.Setting(name)
		bv, bs := b.Setting(name)
		if !reflect.DeepEqual(av, bv) || as != bs {
			names = append(names, "settings."+name)
		}
	}
	return strings.Join(names, ", ")
}

// fileType is the Go type of a profile file for the strict check: each
// setting is an object of its value, typed as in Settings, and its source.
var fileType = func() reflect.Type {
	t := reflect.TypeFor[Settings]()
	fields := make([]reflect.StructField, t.NumField())
	for i := range fields {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		fields[i] = reflect.StructField{
			Name: fmt.Sprintf("S%d", i),
			Type: reflect.PointerTo(reflect.StructOf([]reflect.StructField{
				{Name: "Value", Type: reflect.PointerTo(t.Field(i).Type), Tag: `json:"value"`},
				{Name: "Source", Type: reflect.TypeFor[string](), Tag: `json:"source"`},
			})),
			Tag: reflect.StructTag(`json:"` + name + `"`),
		}
	}
	return reflect.StructOf([]reflect.StructField{
		{Name: "ID", Type: reflect.TypeFor[string](), Tag: `json:"id"`},
		{Name: "Name", Type: reflect.TypeFor[string](), Tag: `json:"name"`},
		{Name: "Effective", Type: reflect.TypeFor[civil.Date](), Tag: `json:"effective"`},
		{Name: "Source", Type: reflect.TypeFor[string](), Tag: `json:"source"`},
		{Name: "Settings", Type: reflect.StructOf(fields), Tag: `json:"settings"`},
	})
}()

var checkFile = strictjson.Checker{Type: fileType, Noun: "profile", Text: true}

func parse(data []byte) (*Profile, error) {
	var c checker
	if probs := checkFile.Check(data); len(probs) > 0 {
		c.probs = append(c.probs, probs...)
		return nil, c.err()
	}
	// The check above has found the file well formed, so what remains are
	// the rules of the values themselves.
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		c.add("", "%v", err)
		return nil, c.err()
	}
	p := &Profile{ID: f.ID, Name: f.Name, Source: f.Source, Settings: NHIA()}
	if f.ID == "" {
		c.add("id", "missing: want the profile id")
	}
	if f.Name == "" {
		c.add("name", "missing: want the payer and plan the profile is for")
	}
	if d, err := civil.Parse(f.Effective); err != nil {
		c.add("effective", "%v", err)
	} else {
		p.Effective = d
	}
	if strings.TrimSpace(f.Source) == "" {
		c.add("source", "missing: want the published policy the profile comes from")
	}
	names := make([]string, 0, len(f.Settings))
	for name := range f.Settings {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return order(names[i]) < order(names[j]) })
	defaults := reflect.ValueOf(NHIA())
	settings := reflect.ValueOf(&p.Settings).Elem()
	for _, name := range names {
		sp := "settings." + name
		i := settingFields[name]
		var s setting
		if err := json.Unmarshal(f.Settings[name], &s); err != nil {
			c.add(sp, "%v", err)
			continue
		}
		switch settings.Field(i).Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			// null is "none", as the JSON of a profile writes it.
		default:
			if s.Value == nil || string(s.Value) == "null" {
				c.add(sp+".value", "missing: want the setting's value, or leave the setting out to inherit nhia")
				continue
			}
		}
		if s.Value == nil {
			c.add(sp+".value", "missing: want the setting's value (null for none), or leave the setting out to inherit nhia")
			continue
		}
		v := reflect.New(settings.Field(i).Type())
		if err := json.Unmarshal(s.Value, v.Interface()); err != nil {
			c.add(sp+".value", "%v", err)
			continue
		}
		settings.Field(i).Set(v.Elem())
		if !reflect.DeepEqual(v.Elem().Interface(), defaults.Field(i).Interface()) {
			switch strings.TrimSpace(s.Source) {
			case "":
				c.add(sp+".source", "missing: the value differs from nhia, so cite the policy it comes from")
			case "nhia":
				c.add(sp+".source", "\"nhia\", but the value differs from nhia: cite the policy it comes from")
			}
			if p.Sources == nil {
				p.Sources = map[string]string{}
			}
			p.Sources[name] = s.Source
		}
	}
	p.Settings.check(&c)
	if len(c.probs) > 0 {
		return nil, c.err()
	}
	return p, nil
}

func order(name string) int {
	if i, ok := settingFields[name]; ok {
		return i
	}
	return len(settingFields)
}

type checker struct{ probs []errs.Problem }

func (c *checker) add(path, format string, args ...any) {
	c.probs = append(c.probs, errs.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) err() error { return &Error{Problems: c.probs} }

func (c *checker) enum(name, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		c.add("settings."+name+".value", "%q: want one of %s", v, strings.Join(allowed, ", "))
	}
}

// check validates the resolved settings against the allowed values.
func (s *Settings) check(c *checker) {
	c.enum("per_diem_days", s.PerDiemDays, AccessDays, InfusionDays, Elapsed24h)
	c.enum("span", s.Span, SpanCalendarMonth, SpanEpisode, SpanWeek, SpanMin7Days)
	c.enum("specificity", s.Specificity, Specific, General)
	c.enum("anti_infective_other_interval", s.AntiInfectiveOtherInterval, "S9494", "S9500")
	c.enum("primary_therapy", s.PrimaryTherapy, PrimaryRateThenStart, PrimaryFirstBilled, PrimaryRate)
	if m := s.ConcurrencyExtraModifier; m != "" && !isModifier(m) {
		c.add("settings.concurrency_extra_modifier.value", "%q: want a two-character modifier such as 59, or none", m)
	}
	for i, f := range s.ForbiddenConcurrent {
		p := fmt.Sprintf("settings.forbidden_concurrent.value[%d]", i)
		if !therapy.Known(f.Type) {
			c.add(p+".type", "%q: want a therapy type", f.Type)
		}
		if len(f.With) == 0 {
			c.add(p+".with", "missing: want the therapy types it may not be billed with")
		}
		for j, w := range f.With {
			if !therapy.Known(w) || w == f.Type {
				c.add(fmt.Sprintf("%s.with[%d]", p, j), "%q: want another therapy type", w)
			}
		}
	}
	if m := s.NursingExtraHourMinutes; m < 1 || m > 60 {
		c.add("settings.nursing_extra_hour_minutes.value", "%d: want minutes from 1 to 60", m)
	}
	if n := s.NursingCaps; n != nil {
		p := "settings.nursing_caps.value."
		if n.HoursPerDay < 0 || n.HoursPerDay > 24 {
			c.add(p+"hours_per_day", "%g: want hours from 0 (no cap) to 24", n.HoursPerDay)
		}
		if n.HoursPerWeek < 0 || n.HoursPerWeek > 168 {
			c.add(p+"hours_per_week", "%g: want hours from 0 (no cap) to 168", n.HoursPerWeek)
		}
		if n.VisitsPer7Days < 0 {
			c.add(p+"visits_per_7_days", "%d: want 0 (no cap) or more", n.VisitsPer7Days)
		}
	}
	if len(s.SuitePOS) != 2 || !isDigits(s.SuitePOS) {
		c.add("settings.suite_pos.value", "%q: want a two-digit place of service code such as 12 or 49", s.SuitePOS)
	}
	c.enum("drug_coding", s.DrugCoding, DrugHCPCSNDC, DrugNDCOnly, DrugNOCNDC)
	c.enum("unused_drug", s.UnusedDrug, UnusedNotBilled, UnusedSV)
	for i, code := range s.BillableOutsidePerDiem {
		if !isHCPCS(code) {
			c.add(fmt.Sprintf("settings.billable_outside_per_diem.value[%d]", i), "%q: want a HCPCS code such as A4222", code)
		}
	}
	if s.SHRate < 0 || s.SHRate > 100 {
		c.add("settings.sh_rate.value", "%d: want a percent from 0 to 100", s.SHRate)
	}
	if s.SJRate < 0 || s.SJRate > 100 {
		c.add("settings.sj_rate.value", "%d: want a percent from 0 to 100", s.SJRate)
	}
	codes := make([]string, 0, len(s.Rates))
	for code := range s.Rates {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		if !isHCPCS(code) || s.Rates[code] < 0 {
			c.add("settings.rates.value."+code, "want a HCPCS code and an amount of zero or more")
		}
	}
}

func isModifier(s string) bool {
	return len(s) == 2 && isAlnum(s[0]) && isAlnum(s[1])
}

// isHCPCS checks the shape of a HCPCS Level I or II code: five characters,
// a letter or digit then four digits (CPT category codes end in a letter).
func isHCPCS(s string) bool {
	if len(s) != 5 || !isAlnum(s[0]) {
		return false
	}
	return isDigits(s[1:4]) && isAlnum(s[4])
}

func isAlnum(b byte) bool { return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

//go:embed data/*.json
var dataFS embed.FS

// shipped loads the embedded profiles once; a broken file is a build defect
// the tests catch, so it is kept as the error every lookup returns.
var shipped = sync.OnceValues(func() (map[string]*Profile, error) {
	entries, err := dataFS.ReadDir("data")
	if err != nil {
		return nil, err
	}
	m := map[string]*Profile{}
	var errs []error
	for _, e := range entries {
		name := path.Join("data", e.Name())
		b, err := dataFS.ReadFile(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p, err := parse(b)
		if err != nil {
			var pe *Error
			if errors.As(err, &pe) {
				pe.File = name
			}
			errs = append(errs, err)
			continue
		}
		if want := strings.TrimSuffix(e.Name(), ".json"); p.ID != want {
			errs = append(errs, fmt.Errorf("%s: id %q, want %q", name, p.ID, want))
			continue
		}
		m[p.ID] = p
	}
	if m["nhia"] == nil {
		errs = append(errs, errors.New("profile nhia is not shipped"))
	}
	return m, errors.Join(errs...)
})

// Get returns the shipped profile with the id. The profile is shared: callers
// must not modify it.
func Get(id string) (*Profile, error) {
	m, err := shipped()
	if err != nil {
		return nil, err
	}
	if p := m[id]; p != nil {
		return p, nil
	}
	ids := make([]string, 0, len(m))
	for k := range m {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	return nil, errs.Errorf(errs.NotFound, "unknown profile %q: want one of %s", id, strings.Join(ids, ", "))
}

// IsShipped reports whether p is one of the shipped profiles (as Get
// returns them), not a caller's own.
func IsShipped(p *Profile) bool {
	m, err := shipped()
	return err == nil && p != nil && m[p.ID] == p
}

// List returns the shipped profiles, nhia first, then by id.
func List() []*Profile {
	m, err := shipped()
	if err != nil {
		return nil
	}
	list := make([]*Profile, 0, len(m))
	for _, p := range m {
		list = append(list, p)
	}
	sort.Slice(list, func(i, j int) bool {
		if (list[i].ID == "nhia") != (list[j].ID == "nhia") {
			return list[i].ID == "nhia"
		}
		return list[i].ID < list[j].ID
	})
	return list
}

// Default returns nhia, the defaults of the coding standard.
func Default() *Profile {
	p, err := Get("nhia")
	if err != nil {
		panic("profile: the embedded nhia profile is broken: " + err.Error())
	}
	return p
}

// Differences returns the names of the settings whose value differs from
// nhia, in the order of Settings.
func (p *Profile) Differences() []string {
	var names []string
	for _, name := range SettingNames() {
		if _, ok := p.Sources[name]; ok {
			names = append(names, name)
		}
	}
	return names
}

// Setting returns the value of the named setting and where it comes from:
// the cited policy when it differs from nhia, else "nhia".
func (p *Profile) Setting(name string) (value any, source string) {
	i, ok := settingFields[name]
	if !ok {
		return nil, ""
	}
	value = reflect.ValueOf(p.Settings).Field(i).Interface()
	if s, ok := p.Sources[name]; ok {
		return value, s
	}
	return value, "nhia"
}

// MarshalJSON writes the profile as a profile file that Load reads back:
// every setting in the order of Settings, each with its value and source
// ("nhia" for an inherited one). Text is written as it is, without
// encoding/json's HTML escapes.
func (p Profile) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	put := func(v any) error {
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
		return nil
	}
	b.WriteString(`{"id":`)
	put(p.ID)
	b.WriteString(`,"name":`)
	put(p.Name)
	b.WriteString(`,"effective":`)
	put(p.Effective)
	b.WriteString(`,"source":`)
	put(p.Source)
	b.WriteString(`,"settings":{`)
	for i, name := range SettingNames() {
		if i > 0 {
			b.WriteByte(',')
		}
		v, src := p.Setting(name)
		put(name)
		b.WriteString(`:{"value":`)
		if err := put(v); err != nil {
			return nil, fmt.Errorf("profile %s: settings.%s: %w", p.ID, name, err)
		}
		b.WriteString(`,"source":`)
		put(src)
		b.WriteByte('}')
	}
	b.WriteString("}}")
	return b.Bytes(), nil
}

// UnmarshalJSON reads a profile file as Load does, without Load's check of
// the id against the shipped profiles.
func (p *Profile) UnmarshalJSON(data []byte) error {
	q, err := parse(data)
	if err != nil {
		return err
	}
	*p = *q
	return nil
}
