package x214

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"sync"
)

//go:embed data/claim-status-category-codes.csv
var categoryCSV []byte

//go:embed data/claim-status-codes.csv
var statusCSV []byte

// ListsAsOf says how current the shipped code lists are: the category and
// status code lists as an open-source billing system carried them in
// 2023, whose newest status text is of September 2017 (data/SOURCES.md).
const ListsAsOf = "2023-04-13"

// ListsSource names where the shipped code lists come from.
const ListsSource = "X12 code lists 507 (claim status category) and 508 (claim status), as carried in OpenDental's X277.cs at 6bfa439f (2023-04-13)"

var (
	categories = sync.OnceValue(func() map[string]string { return codeTable("claim-status-category-codes", categoryCSV) })
	statuses   = sync.OnceValue(func() map[string]string { return codeTable("claim-status-codes", statusCSV) })
)

// codeTable reads a code,description file.
func codeTable(name string, data []byte) map[string]string {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) < 2 || len(rows[0]) != 2 || rows[0][0] != "code" {
		panic(fmt.Sprintf("x214: data/%s.csv: want a code,description table (%v)", name, err))
	}
	m := make(map[string]string, len(rows)-1)
	for _, r := range rows[1:] {
		m[r[0]] = r[1]
	}
	return m
}

// CategoryMeaning returns the text of a claim status category code
// (STC01-1), and false when the code is on no shipped list.
func CategoryMeaning(code string) (string, bool) {
	m, ok := categories()[code]
	return m, ok
}

// StatusMeaning returns the text of a claim status code (STC01-2), and
// false when the code is on no shipped list (a retired code, a newer
// one, or one made up).
func StatusMeaning(code string) (string, bool) {
	m, ok := statuses()[code]
	return m, ok
}

// entities names the entity identifier codes (STC01-3) the 005010X214
// guide allows in a status, for people reading it.
var entities = map[string]string{
	"03": "dependent", "1P": "provider", "1Z": "home health care", "36": "employer",
	"40": "receiver", "41": "submitter", "71": "attending physician", "72": "operating physician",
	"73": "other physician", "77": "service location", "82": "rendering provider",
	"85": "billing provider", "87": "pay-to provider", "AY": "clearinghouse",
	"DK": "ordering physician", "DN": "referring provider", "DQ": "supervising physician",
	"FA": "facility", "GB": "other insured", "HK": "subscriber", "IL": "insured or subscriber",
	"LI": "independent lab", "MSC": "mammography screening center", "PR": "payer",
	"PRP": "primary payer", "QB": "purchase service provider", "QC": "patient",
	"QD": "responsible party", "SEP": "secondary payer", "TL": "testing laboratory",
	"TTP": "tertiary payer", "TU": "third party repricing organization",
}

// EntityName returns what an entity identifier code of a status names
// ("85": "billing provider"), and false for a code the guide does not
// allow there.
func EntityName(code string) (string, bool) {
	n, ok := entities[code]
	return n, ok
}

// UnknownMeaning is the meaning given to a code on no shipped list.
const UnknownMeaning = "unknown"
