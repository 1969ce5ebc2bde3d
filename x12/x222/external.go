package x222

import (
	"bytes"
	"fmt"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/ident"
	"github.com/perdiem/perdiem/x12"
)

// External code lists: the checks of values against lists the guide names
// but does not hold (HCPCS, states and provinces, ZIP codes) and of dates
// against the calendar (service after the claim was made, or in the
// future). A state that is no state code is an element finding (IK403 7),
// as pyx12 reports a bad N402; procedure codes, modifiers, ZIP shapes and
// dates are business findings (a payer rejects the claim in a 277CA): a
// ZIP code of the wrong shape is a wrong value, not a broken file, and
// x12.org's own examples have one.

// usStates and caProvinces are the codes N402 takes for a US and a
// Canadian address.
var (
	usStates    = newCodeList("us states", ident.USStates)
	caProvinces = newCodeList("canadian provinces", ident.CAProvinces)
)

// line is what a service line's codes need until its DTP*472 gives the
// date of service.
type line struct {
	open bool
	at   here
	// code is SV101-2 and mods SV101-3 … 6, copied (the segment is reused).
	code []byte
	mods [4][]byte
}

// n4 checks N402 and N403 against the country in N404 (none: the US).
func (b *business) n4(m *machine, seg *x12.Segment, loop string) {
	country := string(seg.ElementBytes(4))
	state, zip := seg.ElementBytes(2), seg.ElementBytes(3)
	switch country {
	case "", "US":
		if len(state) > 0 && !has(usStates, state) {
			msg := fmt.Sprintf("%q is not a US state, territory or military post office code", state)
			if has(caProvinces, state) {
				msg = fmt.Sprintf("%q is a Canadian province: a Canadian address needs N404 CA", state)
			}
			b.code(m, loop, "N4", 2, state, msg)
		}
		if len(zip) > 0 && (len(zip) != 5 && len(zip) != 9 || !allDigits(zip)) {
			b.add(m, loop, "N403", fmt.Sprintf("US ZIP code %q must be 5 or 9 digits, without a hyphen", zip))
		}
	case "CA":
		if len(state) > 0 && !has(caProvinces, state) {
			b.code(m, loop, "N4", 2, state, fmt.Sprintf("%q is not a Canadian province or territory code", state))
		}
		if len(zip) > 0 && !canadianPostalCode(zip) {
			b.add(m, loop, "N403", fmt.Sprintf("Canadian postal code %q must be letter, digit, letter, digit, letter, digit (A1A1A1)", zip))
		}
	}
}

func canadianPostalCode(v []byte) bool {
	if len(v) != 6 {
		return false
	}
	for i, c := range v {
		letter := c >= 'A' && c <= 'Z'
		if i%2 == 0 != letter || !letter && !isDigit(c) {
			return false
		}
	}
	return true
}

// code reports a value of element e that is not in its external code list:
// an element finding with IK403 code 7.
func (b *business) code(m *machine, loop, id string, e int, v []byte, msg string) {
	b.elementAt(m, hereOf(m), loop, id, e, "7", v, msg)
}

// openLine remembers SV101's codes (proc, its components) for the date of
// service.
func (b *business) openLine(m *machine, proc *[7][]byte) {
	b.ln.open, b.ln.at = true, hereOf(m)
	b.ln.code = append(b.ln.code[:0], proc[1]...)
	if string(proc[0]) != "HC" {
		b.ln.code = b.ln.code[:0] // not a HCPCS or CPT code
	}
	for k := range b.ln.mods {
		// most lines have no modifier, or fewer than four
		if mod := proc[2+k]; len(mod) > 0 || len(b.ln.mods[k]) > 0 {
			b.ln.mods[k] = append(b.ln.mods[k][:0], mod...)
		}
	}
}

// serviceDates checks a line's dates of service (DTP*472): against the
// claim's creation date (BHT04), today, and the code set in force on them.
func (b *business) serviceDates(m *machine, loop string, from, to civil.Date) {
	if b.created != 0 && to > b.created {
		b.add(m, loop, "DTP03", fmt.Sprintf("service date %s is after the claim was created (BHT04 %s)", to, b.created))
	}
	if b.today != 0 && to > b.today {
		b.add(m, loop, "DTP03", fmt.Sprintf("service date %s is in the future (today is %s)", to, b.today))
	}
	if !b.ln.open || b.codes == nil {
		return
	}
	b.ln.open = false
	if code := b.ln.code; len(code) > 0 {
		b.dated(m, loop, "SV101-2", "procedure code", code, from, to)
	}
	for k, mod := range b.ln.mods {
		if len(mod) > 0 {
			b.dated(m, loop, elemName("SV1", 1, 3+k), "modifier", mod, from, to)
		}
	}
}

// dated checks one code against the code set on the days from … to.
func (b *business) dated(m *machine, loop, element, what string, v []byte, from, to civil.Date) {
	c, ok := b.byBytes.lookup(b.codes, v)
	if !ok {
		switch {
		case what == "modifier" && ambulance(v):
			// origin and destination: two of the one-letter codes
			// the HCPCS file lists, in any pairing
		case what == "modifier" && v[0] >= 'A' && v[0] <= 'Z':
			// Every HCPCS modifier is in the set; a CPT modifier is two digits.
			b.at(m, b.ln.at, loop, "SV1", element, fmt.Sprintf("modifier %s is not a HCPCS modifier, and a CPT modifier is two digits", v))
		case what == "modifier":
			b.unchecked.note("cpt modifier", v)
		case hcpcsLevelII(v):
			b.unchecked.note("hcpcs", v)
		default:
			b.unchecked.note("cpt", v)
		}
		return
	}
	for _, d := range [2]civil.Date{from, to} {
		if !c.ActiveOn(d) {
			span := "from " + c.Effective.String()
			if c.Terminated != nil {
				span += " to " + c.Terminated.String()
			}
			b.at(m, b.ln.at, loop, "SV1", element, fmt.Sprintf("%s %s is not valid on the date of service %s: in force %s", what, v, d, span))
			return
		}
	}
}

// ambulance reports whether a modifier is an ambulance origin and
// destination pair (CMS: D, E, G, H, I, J, N, P, R, S and X, origin first).
func ambulance(v []byte) bool {
	const places = "DEGHIJNPRSX"
	return len(v) == 2 && bytes.IndexByte([]byte(places), v[0]) >= 0 && bytes.IndexByte([]byte(places), v[1]) >= 0
}

// hcpcsLevelII reports whether v has the shape of a HCPCS Level II code: a
// letter and four digits.
func hcpcsLevelII(v []byte) bool {
	return len(v) == 5 && v[0] >= 'A' && v[0] <= 'Z' && allDigits(v[1:])
}

// serviceSpan reads DTP03 as D8 or RD8.
func serviceSpan(format, v []byte) (from, to civil.Date, ok bool) {
	if bytes.Equal(format, []byte("D8")) {
		d, ok := date8(v)
		return dayNumber(d), dayNumber(d), ok
	}
	f, t, found := bytes.Cut(v, []byte{'-'})
	a, ok1 := date8(f)
	z, ok2 := date8(t)
	return dayNumber(a), dayNumber(z), found && ok1 && ok2 && a <= z
}

// unchecked counts the values no shipped list could check, by kind, with
// an example of each.
type unchecked map[string]*uncheckedKind

type uncheckedKind struct {
	n       int
	example string
}

// note counts a value of kind; the first one is kept as the example, so
// the others cost no copy.
func (u unchecked) note(kind string, example []byte) {
	k := u[kind]
	if k == nil {
		k = &uncheckedKind{example: string(example)}
		u[kind] = k
	}
	k.n++
}

// uncheckedNotes says, for the report, which values were not checked
// against a code list and why: the lists that are not shipped, and the
// checks the options left out.
func uncheckedNotes(opt Options, seen []unchecked) []string {
	total := unchecked{}
	for _, u := range seen {
		for kind, k := range u {
			t := total[kind]
			if t == nil {
				t = &uncheckedKind{example: k.example}
				total[kind] = t
			}
			t.n += k.n
		}
	}
	notes := []string{
		"PRV03 provider taxonomy codes: the taxonomy code list is not shipped",
		"HI diagnosis codes: checked for ICD-10-CM shape only; the ICD-10-CM code list is not shipped",
		"N404 country codes and NM109 payer identifiers: no list is shipped",
	}
	if opt.Codes == nil {
		notes = append(notes, "SV101 procedure codes and modifiers: no code set given")
	}
	if opt.Today == 0 {
		notes = append(notes, "dates of service in the future: no date for today given")
	}
	for _, c := range []struct{ kind, what string }{
		{"hcpcs", "HCPCS Level II codes that the code set does not hold (it holds the families home infusion bills: drugs, per diems, infusion supplies and equipment, modifiers)"},
		{"cpt", "CPT codes: the AMA CPT list is not shipped"},
		{"cpt modifier", "CPT modifiers that the code set does not hold: the AMA CPT list is not shipped"},
	} {
		if k := total[c.kind]; k != nil {
			notes = append(notes, fmt.Sprintf("SV101: %d %s, such as %s", k.n, c.what, k.example))
		}
	}
	return notes
}
