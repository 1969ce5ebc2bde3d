package guide

import (
	"fmt"
	"math/rand"
	"testing"
)

// controls finds exactly the repeats a map of every value finds, for
// numbers counting up, counting down, at random with repeats, of several
// widths, and values that are not numbers, beyond the runs it keeps sorted.
func TestControlsFindRepeats(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	orders := map[string][]string{}
	var up, down, random, mixed []string
	for i := 1; i <= 20000; i++ {
		up = append(up, fmt.Sprintf("%05d", i))
		down = append(down, fmt.Sprintf("%09d", 20001-i))
		random = append(random, fmt.Sprint(r.Intn(30000)))
		switch i % 4 {
		case 0:
			mixed = append(mixed, fmt.Sprintf("A%d", r.Intn(500)))
		case 1:
			mixed = append(mixed, fmt.Sprint(r.Intn(2000)))
		case 2:
			mixed = append(mixed, fmt.Sprintf("%04d", r.Intn(2000)))
		default:
			mixed = append(mixed, fmt.Sprintf("%d", i))
		}
	}
	orders["up"], orders["down"], orders["random"], orders["mixed"] = up, down, random, mixed
	orders["up twice"] = append(append([]string(nil), up...), up...)
	for name, vs := range orders {
		var c controls
		kept := map[string]bool{}
		for i, v := range vs {
			if got, want := c.seen(v), kept[v]; got != want {
				t.Fatalf("%s: value %d (%q): seen %v, want %v", name, i, v, got, want)
			}
			kept[v] = true
		}
		if name == "up" && len(c.runs) != 1 {
			t.Errorf("up: %d runs, want 1", len(c.runs))
		}
		c.reset()
		if c.seen(vs[0]) {
			t.Errorf("%s: a value is seen after reset", name)
		}
	}
}
