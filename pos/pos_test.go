package pos

import "testing"

func TestName(t *testing.T) {
	for code, want := range map[string]string{
		"12": "Home",
		"11": "Office",
		"49": "Independent Clinic",
		"01": "Pharmacy",
		"10": "Telehealth Provided in Patient’s Home",
		"66": "Programs of All-Inclusive Care for the Elderly (PACE) Center",
		"99": "Other Place of Service",
		"35": "",
		"1":  "",
		"":   "",
	} {
		if got := Name(code); got != want {
			t.Errorf("Name(%q) = %q, want %q", code, got, want)
		}
	}
	if n := len(names()); n != 52 {
		t.Errorf("%d codes, want the 52 of the CMS list", n)
	}
}
