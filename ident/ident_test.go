package ident

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestValidNPI(t *testing.T) {
	tests := []struct {
		npi  string
		want bool
	}{
		{"1234567893", true}, // the worked example of the CMS check-digit paper
		{"1679576722", true},
		{"1987654328", true},
		{"1234567890", false}, // wrong check digit
		{"1234567894", false},
		{"123456789", false}, // nine digits
		{"12345678930", false},
		{"123456789X", false},
		{"", false},
		{"12345 7893", false},
	}
	for _, tt := range tests {
		if got := ValidNPI(tt.npi); got != tt.want {
			t.Errorf("ValidNPI(%q) = %v, want %v", tt.npi, got, tt.want)
		}
	}
}

// ValidNPI answers as the Luhn check over 80840 and the NPI's digits does,
// for every check digit of random NPIs and for texts that are not ten
// digits.
func TestValidNPIIsLuhn(t *testing.T) {
	luhn := func(s string) bool {
		if len(s) != 10 || strings.Trim(s, "0123456789") != "" {
			return false
		}
		digits, sum := "80840"+s, 0
		for i := range digits {
			d := int(digits[len(digits)-1-i] - '0')
			if i%2 == 1 {
				d = d*2/10 + d*2%10
			}
			sum += d
		}
		return sum%10 == 0
	}
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		b := make([]byte, 9)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		if r.IntN(20) == 0 {
			b[r.IntN(9)] = "/:X "[r.IntN(4)]
		}
		for c := byte('0'); c <= '9'; c++ {
			s := string(b) + string(c)
			if got, want := ValidNPI(s), luhn(s); got != want {
				t.Fatalf("ValidNPI(%q) = %v, want %v", s, got, want)
			}
		}
		if s := string(b); ValidNPI(s) || ValidNPI(s+"0X") || ValidNPI(s+"/") {
			t.Fatalf("ValidNPI takes %q or it with one or two bytes more, not ten digits", s)
		}
	}
}

// TestValidNPISingleDigitChange pins the property the check digit exists for:
// changing any one digit of a valid NPI makes it invalid.
func TestValidNPISingleDigitChange(t *testing.T) {
	const valid = "1234567893"
	for i := 0; i < len(valid); i++ {
		for d := byte('0'); d <= '9'; d++ {
			if d == valid[i] {
				continue
			}
			s := valid[:i] + string(d) + valid[i+1:]
			if ValidNPI(s) {
				t.Errorf("ValidNPI(%q) = true after changing digit %d", s, i)
			}
		}
	}
}

func TestNormalizeNDC_DR2(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr string // substring of the error
	}{
		{in: "0409-0805-01", want: "00409080501"},  // 4-4-2
		{in: "50242-040-62", want: "50242004062"},  // 5-3-2
		{in: "60575-4112-1", want: "60575411201"},  // 5-4-1
		{in: "00409-0805-01", want: "00409080501"}, // 5-4-2 already
		{in: "00409080501", want: "00409080501"},   // 11 plain digits
		{in: "0409080501", wantErr: "ambiguous"},
		{in: "040908050", wantErr: "9 digits"},
		{in: "004090805011", wantErr: "12 digits"},
		{in: "409-0805-01", wantErr: "segments of 3-4-2"},
		{in: "0409-805-01", wantErr: "segments of 4-3-2"},
		{in: "0409-0805", wantErr: "want 11 digits"},
		{in: "0409-0805-01-1", wantErr: "want 11 digits"},
		{in: "04a9-0805-01", wantErr: "want 11 digits"},
		{in: "0409--080501", wantErr: "want 11 digits"},
		{in: "", wantErr: "want 11 digits"},
		{in: " 00409080501", wantErr: "want 11 digits"},
	}
	for _, tt := range tests {
		got, err := NormalizeNDC(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NormalizeNDC(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.wantErr)
			}
			if _, ok := err.(*NDCError); err != nil && !ok {
				t.Errorf("NormalizeNDC(%q) error is %T, want *NDCError", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("NormalizeNDC(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeICD10(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"M86.10", "M8610", true},
		{"M8610", "M8610", true},
		{"z45.2", "Z452", true},
		{"Z45", "Z45", true},
		{"T82.7XXA", "T827XXA", true},
		{"U07.1", "U071", true},
		{"ZZZ999", "", false}, // second character must be a digit
		{"M8", "", false},
		{"M86.1000X", "", false}, // eight characters
		{"8M6.10", "", false},
		{"M86.", "", false},
		{"M8.610", "", false},
		{"M86.1-0", "", false},
		{"M86..10", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeICD10(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("NormalizeICD10(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestValidZIP9(t *testing.T) {
	tests := []struct {
		zip  string
		want bool
	}{
		{"627010000", true},
		{"62701", false},
		{"62701-0000", false},
		{"62701000", false},
		{"6270100001", false},
		{"62701000A", false},
	}
	for _, tt := range tests {
		if got := ValidZIP9(tt.zip); got != tt.want {
			t.Errorf("ValidZIP9(%q) = %v, want %v", tt.zip, got, tt.want)
		}
	}
}

func TestLooksLikePOBox(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"PO BOX 123", true},
		{"P.O. Box 123", true},
		{"P. O. BOX 123", true},
		{"p.o.box 9", true},
		{"POBOX 77", true},
		{"Post Office Box 4", true},
		{"LOCK BOX 771", true},
		{"Lockbox 771", true},
		{"100 MAIN STREET, PO BOX 5", true},
		{"BOX 12", true},
		{"PO DRAWER 8", true},
		{"100 MAIN STREET", false},
		{"12 BOXWOOD LANE", false},
		{"12 BOX ELDER ROAD", false},
		{"1 POST OFFICE SQUARE", false},
		{"PORTSMOUTH AVE", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := LooksLikePOBox(tt.line); got != tt.want {
			t.Errorf("LooksLikePOBox(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func FuzzNormalizeNDC(f *testing.F) {
	for _, s := range []string{"0409-0805-01", "50242-040-62", "60575-4112-1", "00409080501", "0409080501", "-", "1-2-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeNDC(s)
		if err != nil {
			return
		}
		if len(got) != 11 || !allDigits(got) {
			t.Fatalf("NormalizeNDC(%q) = %q, want 11 digits", s, got)
		}
		if strings.ReplaceAll(s, "-", "") != got && len(strings.ReplaceAll(s, "-", "")) != 10 {
			t.Fatalf("NormalizeNDC(%q) = %q changed digits", s, got)
		}
	})
}
