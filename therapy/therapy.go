// Package therapy is the vocabulary of therapy types: the "type" of a therapy
// in an episode document (docs/input-format.md), each naming a per diem code
// family. The episode document and the payer profiles both name therapy
// types, so the list is defined here once, for both.
package therapy

import "slices"

// types are the known therapy types, sorted.
var types = []string{
	"aerosolized", "alpha-1", "anti-infective", "anti-tnf", "anticoagulant",
	"anticoagulant-injection", "antiemetic", "antiemetic-injection", "antispasmodic",
	"blood-products", "catheter-care", "chelation", "chemotherapy", "controlled-rate",
	"corticosteroid", "diuretic", "enteral", "enzyme-replacement", "factor",
	"growth-hormone", "hematopoietic-injection", "hemodialysis", "hormonal-injection",
	"hydration", "immunotherapy", "immunotherapy-injection", "infusion-noc",
	"injectable-noc", "inotrope", "insulin", "interferon", "irrigation", "pain",
	"peritoneal-dialysis", "rsv-antibody", "tocolytic", "tpn",
}

// Types returns the known therapy types, sorted.
func Types() []string { return slices.Clone(types) }

// Known reports whether t is a known therapy type.
func Known(t string) bool {
	_, ok := slices.BinarySearch(types, t)
	return ok
}
