package claim

import (
	"math"
	"math/rand"
	"reflect"
	"testing"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
)

// fill gives v, settable, a random value of its type: every field of a
// struct, pointers and slices nil or made, strings empty or not. A field
// added to Claim later is filled too, so the comparison below fails until
// AppendJSON writes it.
func fill(r *rand.Rand, v reflect.Value) {
	floats := []float64{0, 1, 84, 2.5, 0.125, 1e-7, 3e21, 0.1, -3, 1e15, 1e21}
	switch v.Type() {
	case reflect.TypeFor[Kind]():
		v.SetInt(int64(r.Intn(6)))
		return
	case reflect.TypeFor[civil.Date]():
		v.SetInt(int64(r.Intn(4_000_000) - 1_000_000))
		return
	case reflect.TypeFor[money.Amount]():
		amounts := []money.Amount{0, math.MinInt64, math.MaxInt64, -1, 5}
		a := money.Amount(r.Int63n(2e18) - 1e18)
		if r.Intn(3) == 0 {
			a = amounts[r.Intn(len(amounts))]
		}
		v.SetInt(int64(a))
		return
	}
	switch v.Kind() {
	case reflect.String:
		if r.Intn(4) > 0 {
			v.SetString(randomString(r))
		}
	case reflect.Float64:
		v.SetFloat(floats[r.Intn(len(floats))])
	case reflect.Pointer:
		if r.Intn(3) > 0 {
			p := reflect.New(v.Type().Elem())
			fill(r, p.Elem())
			v.Set(p)
		}
	case reflect.Slice:
		switch r.Intn(4) {
		case 0: // nil
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			s := reflect.MakeSlice(v.Type(), 1+r.Intn(3), 3)
			for i := range s.Len() {
				fill(r, s.Index(i))
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fill(r, v.Field(i))
		}
	default:
		panic("fill: no rule for " + v.Type().String())
	}
}

// Claim.AppendJSON must write exactly what encoding/json writes, for any
// claim: every field set or not, texts that need escaping.
func TestClaimAppendJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for i := range 5000 {
		var c Claim
		fill(r, reflect.ValueOf(&c).Elem())
		want, err := marshal(&c)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.AppendJSON([]byte("prefix")); string(got) != "prefix"+string(want) {
			t.Fatalf("claim %d:\n got %s\nwant prefix%s", i, got, want)
		}
	}
	// The zero claim: every omitempty member left out, every list null.
	var c Claim
	want, _ := marshal(&c)
	if got := c.AppendJSON(nil); string(got) != string(want) {
		t.Fatalf("zero claim:\n got %s\nwant %s", got, want)
	}
}
