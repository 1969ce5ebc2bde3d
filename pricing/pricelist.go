package pricing

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/ident"
	"github.com/perdiem/perdiem/money"
)

// FileError is a problem at a place in a price list: its file, row and
// column (1-based; 0 when the problem is the whole row or file).
type FileError struct {
	File        string
	Row, Column int
	Msg         string
}

func (e *FileError) Error() string {
	s := e.File
	if e.Row > 0 {
		s += fmt.Sprintf(":%d", e.Row)
		if e.Column > 0 {
			s += fmt.Sprintf(":%d", e.Column)
		}
	}
	return s + ": " + e.Msg
}

// ErrorCode says a malformed price list is invalid input.
func (e *FileError) ErrorCode() errs.Code { return errs.Invalid }

// ReadPriceList reads a provider's drug price list: a CSV file of two
// columns, the NDC (11 digits, or a hyphenated 10- or 11-digit form) and
// the price per NDC unit of measure (up to six decimals, no currency
// sign), with an optional header row whose first cell names the NDC. It
// returns the prices by 11-digit NDC. An NDC given twice, a malformed NDC or
// price, or a row of another width is an error at its row and column.
func ReadPriceList(r io.Reader, name string) (map[string]money.Rate, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	prices := map[string]money.Rate{}
	rows := map[string]int{}
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		row, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &FileError{File: name, Row: pe.Line, Column: pe.Column, Msg: pe.Err.Error()}
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != 2 {
			return nil, &FileError{File: name, Row: row, Msg: fmt.Sprintf("%d columns: want 2, the NDC and the price per NDC unit", len(rec))}
		}
		ndcCell, priceCell := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if first && strings.Contains(strings.ToLower(ndcCell), "ndc") {
			continue // the header
		}
		ndc, err := ident.NormalizeNDC(ndcCell)
		if err != nil {
			return nil, &FileError{File: name, Row: row, Column: 1, Msg: err.Error()}
		}
		price, err := money.ParseRate(priceCell)
		if err != nil {
			return nil, &FileError{File: name, Row: row, Column: 2, Msg: err.Error()}
		}
		if r, dup := rows[ndc]; dup {
			return nil, &FileError{File: name, Row: row, Column: 1, Msg: fmt.Sprintf("NDC %s is also on row %d: one price an NDC", ndc, r)}
		}
		rows[ndc] = row
		prices[ndc] = price
	}
	if len(prices) == 0 {
		return nil, &FileError{File: name, Msg: "no prices: want rows of NDC,price"}
	}
	return prices, nil
}
