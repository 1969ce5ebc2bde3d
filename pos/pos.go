// Package pos names the CMS Place of Service codes (the two-digit codes of
// SV105 and CLM05-1: 12 Home, 49 Independent Clinic, …), as data from the
// CMS code set (see data/SOURCE.md).
package pos

import (
	_ "embed"
	"encoding/csv"
	"strings"
	"sync"
)

//go:embed data/place-of-service.csv
var data string

var names = sync.OnceValue(func() map[string]string {
	rows, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil {
		panic("pos: the embedded code list is broken: " + err.Error())
	}
	m := make(map[string]string, len(rows))
	for _, r := range rows[1:] {
		m[r[0]] = r[1]
	}
	return m
})

// Name returns the CMS name of a place of service code, or "" for a code
// that is not in the list.
func Name(code string) string { return names()[code] }
