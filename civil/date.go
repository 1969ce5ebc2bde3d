// Package civil holds calendar dates without a time zone.
//
// Dates of service are calendar days, not instants: a therapy that starts on
// 2026-03-02 starts on that day wherever the claim is read. A Date is a day
// number, so day-by-day calendars are plain integer loops.
package civil

import (
	"errors"
	"fmt"
	"time"
)

// Date is a calendar day, counted in days since 1970-01-01. The zero value
// is 1970-01-01; use IsZero-aware pointers or Valid flags where "no date" matters.
type Date int32

// ErrFormat is wrapped by Parse errors for text that is not YYYY-MM-DD.
var ErrFormat = errors.New("want a calendar date YYYY-MM-DD")

// FromYMD returns the date of year y, month m (1–12), day d; it does not check
// the values (use Parse for text).
func FromYMD(y, m, d int) Date {
	return Date(daysFromCivil(y, m, d))
}

// Parse reads YYYY-MM-DD and rejects impossible days such as 2026-02-30.
func Parse(s string) (Date, error) { return parse(s) }

// parse serves strings and JSON bytes alike, without copying the bytes.
func parse[T string | []byte](s T) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%q: %w", s, ErrFormat)
	}
	// Each digit as a number 0 to 9; any other byte comes out above 9.
	y0, y1, y2, y3 := s[0]-'0', s[1]-'0', s[2]-'0', s[3]-'0'
	m0, m1, d0, d1 := s[5]-'0', s[6]-'0', s[8]-'0', s[9]-'0'
	if max(y0, y1, y2, y3, m0, m1, d0, d1) > 9 {
		return 0, fmt.Errorf("%q: %w", s, ErrFormat)
	}
	y := int(y0)*1000 + int(y1)*100 + int(y2)*10 + int(y3)
	m, d := int(m0)*10+int(m1), int(d0)*10+int(d1)
	if y < 1 || m < 1 || m > 12 || d < 1 || d > DaysIn(y, m) {
		return 0, fmt.Errorf("%q is not a real calendar day", s)
	}
	return FromYMD(y, m, d), nil
}

// ParseCompact reads CCYYMMDD, the X12 D8 form.
func ParseCompact(s string) (Date, error) { return parseCompact(s) }

// ParseCompactBytes is ParseCompact for an element as an X12 reader holds
// it, without copying it to a string.
func ParseCompactBytes(b []byte) (Date, error) { return parseCompact(b) }

func parseCompact[T string | []byte](s T) (Date, error) {
	if len(s) == 8 {
		// The common case without building the YYYY-MM-DD form.
		y, ok1 := digits(s[0:4])
		m, ok2 := digits(s[4:6])
		d, ok3 := digits(s[6:8])
		if ok1 && ok2 && ok3 && y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= DaysIn(y, m) {
			return FromYMD(y, m, d), nil
		}
	}
	if len(s) != 8 {
		return 0, fmt.Errorf("%q: want a date CCYYMMDD", s)
	}
	return Parse(string(s[0:4]) + "-" + string(s[4:6]) + "-" + string(s[6:8]))
}

func digits[T string | []byte](s T) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// DaysIn returns the number of days in month m of year y.
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// YMD returns the year, month and day.
func (d Date) YMD() (y, m, day int) { return civilFromDays(int(d)) }

// AddDays returns the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// MonthEnd returns the last day of d's month.
func (d Date) MonthEnd() Date {
	y, m, _ := d.YMD()
	return FromYMD(y, m, DaysIn(y, m))
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return time.Weekday((int(d)%7 + 7 + 4) % 7) }

// String formats YYYY-MM-DD.
func (d Date) String() string {
	var b [10]byte
	return string(d.appendISO(b[:0]))
}

// US writes the date as people write it in the US, MM/DD/YYYY, as the
// workspace shows dates (the API and files keep ISO 8601).
func (d Date) US() string {
	y, m, day := d.YMD()
	return fmt.Sprintf("%02d/%02d/%04d", m, day, y)
}

// Compact formats CCYYMMDD, the X12 D8 form.
func (d Date) Compact() string {
	y, m, day := d.YMD()
	var b [8]byte
	put4(b[0:4], y)
	put2(b[4:6], m)
	put2(b[6:8], day)
	return string(b[:])
}

// AppendISO appends the date as String writes it, without a string of its
// own.
func (d Date) AppendISO(b []byte) []byte { return d.appendISO(b) }

func (d Date) appendISO(b []byte) []byte {
	y, m, day := d.YMD()
	var t [10]byte
	put4(t[0:4], y)
	t[4] = '-'
	put2(t[5:7], m)
	t[7] = '-'
	put2(t[8:10], day)
	return append(b, t[:]...)
}

func put4(b []byte, v int) {
	b[0] = byte('0' + v/1000%10)
	b[1] = byte('0' + v/100%10)
	b[2] = byte('0' + v/10%10)
	b[3] = byte('0' + v%10)
}

func put2(b []byte, v int) {
	b[0] = byte('0' + v/10%10)
	b[1] = byte('0' + v%10)
}

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 12)
	b = append(b, '"')
	b = d.appendISO(b)
	return append(b, '"'), nil
}

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("%s: %w", b, ErrFormat)
	}
	v, err := parse(b[1 : len(b)-1])
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText and UnmarshalText let dates be map keys and text values.
func (d Date) MarshalText() ([]byte, error) { return d.appendISO(nil), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := parse(b)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// daysFromCivil is the day number of year y, month m, day d. Years from
// -32,799 to 1,000,000 take Neri and Schneider's form (see civilFromDays);
// others the general one.
func daysFromCivil(y, m, d int) int {
	if y > -400*82 && y <= 1e6 {
		j := 0
		if m <= 2 {
			j = 1
		}
		yy := uint64(y + 400*82 - j) // years since the shifted start, March-based
		mm := uint64(m + 12*j)
		c := yy / 100
		days := 1461*yy/4 - c + c/4 + (979*mm-2919)/32 + uint64(d-1)
		return int(days) - nsShift
	}
	return daysFromCivilHinnant(y, m, d)
}

// The general forms are Howard Hinnant's "chrono-compatible low-level date
// algorithms".
func daysFromCivilHinnant(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the date of day z. Days from about 32,000 years before
// 1970 to 2.9 million after take Neri and Schneider's Euclidean affine
// form ("Euclidean affine functions and applications to calendar
// algorithms", 2022): the same dates with multiplications for the
// divisions. Other days take the general form.
func civilFromDays(z int) (int, int, int) {
	if z >= -nsShift && z <= 1<<30 {
		return civilFromDaysNS(z)
	}
	return civilFromDaysHinnant(z)
}

// nsShift moves day 0 of the Neri-Schneider form 82 eras (of 400 years)
// before 0000-03-01, so every day it handles is a positive count.
const nsShift = 719468 + 146097*82

func civilFromDaysNS(z int) (int, int, int) {
	n := uint64(z + nsShift)
	n1 := 4*n + 3
	c := n1 / 146097            // centuries since the shifted start
	nc := uint32(n1%146097) / 4 // day of the century
	p2 := uint64(2939745) * uint64(4*nc+3)
	yc := uint32(p2 >> 32)         // year of the century
	ny := uint32(p2) / 2939745 / 4 // day of the year, from March 1
	n3 := 2141*ny + 197913         // month and day, with March as 3
	m, d := int(n3>>16), int(n3&0xffff)/2141+1
	y := int(100*c) + int(yc) - 400*82
	if ny >= 306 { // January and February belong to the next year
		y++
		m -= 12
	}
	return y, m, d
}

func civilFromDaysHinnant(z int) (int, int, int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// Span is an inclusive range of days.
type Span struct {
	From Date `json:"from"`
	To   Date `json:"to"`
}

// Days returns the number of days in the span, both ends included.
func (s Span) Days() int { return int(s.To-s.From) + 1 }

// Contains reports whether d is inside the span.
func (s Span) Contains(d Date) bool { return d >= s.From && d <= s.To }

// Overlaps reports whether the two spans share a day.
func (s Span) Overlaps(o Span) bool { return s.From <= o.To && o.From <= s.To }
