package ident

// USStates are the US Postal Service codes a US address takes for its state
// (X12 N402): the states, DC, the territories and the military post
// offices. The X12 validators build their lookups from it; do not modify.
var USStates = []string{
	"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA",
	"MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
	"AS", "GU", "MP", "PR", "VI", "FM", "MH", "PW", "AA", "AE", "AP",
}

// CAProvinces are the Canada Post codes a Canadian address takes for its
// province or territory (X12 N402 with N404 CA); do not modify.
var CAProvinces = []string{"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"}
