// Package gen generates random valid episode documents for property tests
// and batch benchmarks.
package gen

import (
	"math/rand"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/episode"
)

var genTypes = []string{"anti-infective", "anti-infective", "anti-infective", "tpn", "hydration", "pain", "chemotherapy",
	"enteral", "immunotherapy", "catheter-care", "inotrope", "factor", "infusion-noc"}

// Episode builds a random valid episode document inside one quarter of
// 2026: one to four therapies of assorted types with holds, changes, visits
// and drugs.
func Episode(r *rand.Rand) *episode.Document {
	base := civil.FromYMD(2026, 1, 1)
	doc := &episode.Document{Period: &episode.Period{From: base, To: base + 89}}
	n := 1 + r.Intn(4)
	for i := 0; i < n; i++ {
		start := base + civil.Date(r.Intn(80))
		end := start + civil.Date(r.Intn(40))
		t := episode.Therapy{ID: string(rune('a' + i)), Type: genTypes[r.Intn(len(genTypes))], Start: start, End: &end}
		if r.Intn(6) == 0 {
			t.End = nil
		}
		hours := []float64{4, 6, 8, 12, 24, 48, 72, 168, 672}
		switch t.Type {
		case "anti-infective":
			h := hours[r.Intn(7)]
			t.EveryHours = &h
		case "immunotherapy", "factor":
			h := hours[r.Intn(len(hours))]
			t.EveryHours = &h
		case "tpn", "hydration":
			l := float64(r.Intn(8)) * 0.5
			if l > 0 {
				t.LitersPerDay = &l
			}
		case "pain", "chemotherapy":
			if r.Intn(3) > 0 {
				b := r.Intn(2) == 0
				t.Continuous = &b
			}
		case "enteral":
			t.Method = []string{"", "gravity", "pump", "bolus"}[r.Intn(4)]
		case "catheter-care":
			l := 1 + r.Intn(3)
			t.Lumens = &l
		case "infusion-noc":
			t.Description = "IV THERAPY"
		}
		if r.Intn(4) == 0 {
			t.Site = "suite"
		}
		last := end
		if t.End == nil {
			last = doc.Period.To
		}
		if span := int(last - start); span > 6 && r.Intn(3) == 0 {
			from := start + civil.Date(1+r.Intn(span/2))
			t.Holds = append(t.Holds, episode.Hold{From: from, To: from + civil.Date(r.Intn(3)), Reason: "inpatient"})
		}
		if span := int(last - start); span > 4 && t.Type == "anti-infective" && r.Intn(3) == 0 {
			h := hours[r.Intn(7)]
			t.Changes = append(t.Changes, episode.Change{From: start + civil.Date(1+r.Intn(span-1)), EveryHours: &h})
		}
		doc.Therapies = append(doc.Therapies, t)
		for v := 0; v < r.Intn(4); v++ {
			d := start + civil.Date(r.Intn(int(last-start)+1))
			doc.Visits = append(doc.Visits, episode.Visit{Date: d, Minutes: 30 + r.Intn(300), Nurse: "rn", Specialty: r.Intn(2) == 0, Therapy: t.ID})
		}
		if t.Type == "anti-infective" && r.Intn(2) == 0 {
			doc.Drugs = append(doc.Drugs, episode.Drug{Therapy: t.ID, HCPCS: "J0696", NDC: "0004-1965-01", From: start, To: last,
				Dose: float64(1 + r.Intn(2)), DoseUnit: "g", Doses: int(last-start) + 1, NDCQuantity: float64(int(last-start) + 1), NDCUnit: "UN"})
		}
	}
	return doc
}
