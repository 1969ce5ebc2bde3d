// Package ident checks and normalizes the identifiers that travel on a home
// infusion claim: NPIs, NDCs, ICD-10-CM diagnosis codes, ZIP+4 codes and
// street lines that are really post office boxes. It has no dependencies, so
// the decoder, the claim writer and the scrubber all agree on one definition.
package ident

import (
	"fmt"
	"strings"
)

// ValidNPI reports whether s is a National Provider Identifier: ten digits
// whose last is the Luhn check digit computed over the card issuer prefix
// 80840 followed by the first nine.
func ValidNPI(s string) bool {
	if len(s) != 10 {
		return false
	}
	// The prefix 80840 contributes 24 to the Luhn sum; the NPI's own digits
	// are then doubled from the ninth leftwards, and with the check digit
	// the sum is a multiple of ten.
	sum := 24
	for i := 0; i < 10; i += 2 {
		d, e := s[i]-'0', s[i+1]-'0'
		if d > 9 || e > 9 {
			return false
		}
		sum += int(luhnDoubled[d] + e)
	}
	return sum%10 == 0
}

// luhnDoubled is the Luhn sum's share of a doubled digit: its double, less
// nine when that has two digits.
var luhnDoubled = [10]byte{0, 2, 4, 6, 8, 1, 3, 5, 7, 9}

// NDCError says why an NDC could not be normalized.
type NDCError struct {
	NDC    string
	Reason string
}

func (e *NDCError) Error() string {
	return fmt.Sprintf("NDC %q: %s", e.NDC, e.Reason)
}

const ndcForms = "want 11 digits (5-4-2) or a hyphenated 10-digit form 4-4-2, 5-3-2 or 5-4-1"

// NormalizeNDC returns the 11-digit 5-4-2 form of an NDC without hyphens
// (DR-2). Hyphenated 10-digit forms are padded with a zero in the short
// segment; eleven plain digits are kept. Ten digits without hyphens are
// rejected: the short segment cannot be known, and guessing it would bill a
// different product.
func NormalizeNDC(s string) (string, error) {
	if !strings.Contains(s, "-") {
		switch {
		case !allDigits(s) || s == "":
			return "", &NDCError{s, ndcForms}
		case len(s) == 11:
			return s, nil
		case len(s) == 10:
			return "", &NDCError{s, "10 digits without hyphens are ambiguous: write the hyphenated form (4-4-2, 5-3-2 or 5-4-1) or 11 digits"}
		default:
			return "", &NDCError{s, fmt.Sprintf("%d digits: %s", len(s), ndcForms)}
		}
	}
	// Three segments, cut without a list: drugs are normalised per document.
	i := strings.IndexByte(s, '-')
	j := i + 1 + strings.IndexByte(s[i+1:], '-')
	if j == i || strings.IndexByte(s[j+1:], '-') >= 0 {
		return "", &NDCError{s, ndcForms}
	}
	l, p, k := s[:i], s[i+1:j], s[j+1:]
	if !allDigits(l) || !allDigits(p) || !allDigits(k) {
		return "", &NDCError{s, ndcForms}
	}
	var b [11]byte
	switch {
	case len(l) == 5 && len(p) == 4 && len(k) == 2:
	case len(l) == 4 && len(p) == 4 && len(k) == 2:
		b[0] = '0'
	case len(l) == 5 && len(p) == 3 && len(k) == 2:
		b[5] = '0'
	case len(l) == 5 && len(p) == 4 && len(k) == 1:
		b[9] = '0'
	default:
		return "", &NDCError{s, fmt.Sprintf("segments of %d-%d-%d digits: %s", len(l), len(p), len(k), ndcForms)}
	}
	// Each segment ends where its 5-4-2 place ends; a padding zero stays
	// before a short one.
	copy(b[5-len(l):5], l)
	copy(b[9-len(p):9], p)
	copy(b[11-len(k):], k)
	return string(b[:]), nil
}

// NormalizeICD10 returns an ICD-10-CM code without its dot, in upper case,
// after checking its shape: a letter, a digit, a letter or digit, then up to
// four letters or digits, with the dot (if any) after the third character.
// It checks the shape only, not that the code exists in the code set.
func NormalizeICD10(s string) (string, error) {
	c := s
	if i := strings.IndexByte(c, '.'); i >= 0 {
		if i != 3 || i == len(c)-1 {
			return "", fmt.Errorf("ICD-10-CM %q: the dot goes after the third character, followed by more characters", s)
		}
		c = c[:3] + c[4:]
	}
	c = strings.ToUpper(c)
	switch {
	case len(c) < 3 || len(c) > 7:
		return "", fmt.Errorf("ICD-10-CM %q: want 3 to 7 characters", s)
	case !ICD10Shape(c):
		return "", fmt.Errorf("ICD-10-CM %q: want a letter then a digit, then letters and digits (such as M86.10)", s)
	}
	return c, nil
}

// ICD10Shape reports whether v has the shape of an ICD-10-CM code as it
// goes on a claim: no dot, upper case, a letter, a digit, then 1 to 5
// letters or digits. It reads bytes or strings without allocating.
func ICD10Shape[T string | []byte](v T) bool {
	if len(v) < 3 || len(v) > 7 || !isUpper(v[0]) || !isDigit(v[1]) {
		return false
	}
	for i := 2; i < len(v); i++ {
		if !isUpper(v[i]) && !isDigit(v[i]) {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// ValidZIP9 reports whether s is a ZIP+4 code written as nine digits with no
// hyphen, the form X12 N403 takes for a billing provider.
func ValidZIP9(s string) bool { return len(s) == 9 && allDigits(s) }

// poBoxWords are the word sequences that mark a post office or lock box,
// compared after punctuation is removed and letters are upper-cased.
var poBoxWords = [][]string{
	{"PO", "BOX"},
	{"P", "O", "BOX"},
	{"POBOX"},
	{"POST", "OFFICE", "BOX"},
	{"POST", "BOX"},
	{"LOCK", "BOX"},
	{"LOCKBOX"},
	{"PO", "DRAWER"},
}

// LooksLikePOBox reports whether an address line names a post office box or a
// lock box ("PO BOX 12", "P.O. Box 12", "Post Office Box 12", "Lockbox 771",
// "BOX 12"). A billing provider address must be a street address.
func LooksLikePOBox(line string) bool {
	words := strings.FieldsFunc(strings.ToUpper(line), func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	for i := range words {
		for _, seq := range poBoxWords {
			if hasWordsAt(words, i, seq) {
				return true
			}
		}
	}
	// A line that starts with BOX and a number ("BOX 12") is a box too, but
	// BOXWOOD LANE or 12 BOX ELDER ROAD are streets.
	return len(words) >= 2 && words[0] == "BOX" && isDigit(words[1][0])
}

func hasWordsAt(words []string, i int, seq []string) bool {
	if i+len(seq) > len(words) {
		return false
	}
	for j, w := range seq {
		if words[i+j] != w {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
