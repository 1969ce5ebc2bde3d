package coding

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/perdiem/perdiem/civil"
)

// TestSprintfIsFmt pins sprintf to fmt.Sprintf: the verbs it writes itself
// and every case it hands on give the same text.
func TestSprintfIsFmt(t *testing.T) {
	d := civil.FromYMD(2026, 3, 2)
	cases := []struct {
		format string
		args   []any
	}{
		{"%s: %s is bundled into the per diem on %s and is not billed", []any{"supplies[0]", "E0781", d}},
		{"therapy %s runs %s..%s; only its days inside the billing period %s..%s are on this claim", []any{"abx", d, "(no end)", d, d + 30}},
		{"visit %s on %s: SD is for a registered nurse", []any{ref{list: "visits", i: 12, field: "nurse"}, d}},
		{"%s is not in the code set", []any{ref{field: "period"}}},
		{"%s", []any{ref{list: "drugs", i: 3}}},
		{"%d minutes, %d visits, %d", []any{-5, 0, 1234567}},
		{"100%% of %s", []any{"it"}},
		{"not billed alongside %v", []any{[]string{"tpn", "hydration"}}},
		{"%s: %v", []any{"J0690", errors.New("bad unit")}},
		{"%d of %s", []any{"text", 3}},        // swapped: fmt's %!d(string=…)
		{"%s and %s", []any{"one"}},           // missing argument
		{"%s", []any{"one", "two"}},           // extra argument
		{"%q %.0f %5d", []any{"x", 2.5, 7}},   // verbs with flags
		{"ends with %", []any{}},              // a lone percent
		{"%s", []any{civil.FromYMD(1, 1, 1)}}, // year 0001
		{"plain text", nil},
		{"%x", []any{d}},
	}
	for _, c := range cases {
		if got, want := sprintf(c.format, c.args...), fmt.Sprintf(c.format, c.args...); got != want {
			t.Errorf("sprintf(%q, %v) = %q, want %q", c.format, c.args, got, want)
		}
	}
}

func BenchmarkSprintf(b *testing.B) {
	d := civil.FromYMD(2026, 3, 2)
	for b.Loop() {
		sprintf("%s: %s is bundled into the per diem on %s and is not billed", "supplies[0]", "E0781", d)
	}
}

// appendNumber writes what formatNumber writes.
func TestAppendNumber(t *testing.T) {
	nums := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1.5, 7, 8, 42, 99.99, 1e14, 1e15 - 1, 1e15, 1e15 + 2, 1e21, 1e-7,
		-3, -0.25, math.MaxInt64, math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64, math.MaxFloat64}
	for _, f := range nums {
		if got, want := string(appendNumber([]byte("x"), f)), "x"+formatNumber(f); got != want {
			t.Errorf("%v: %q, want %q", f, got, want)
		}
	}
}
