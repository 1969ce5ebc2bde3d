package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/money"
	"github.com/perdiem/perdiem/remit"
)

// reconText writes a reconciliation for a biller: each remittance, each
// of its claims with a table of lines and, under each line, its
// adjustments, remarks and flags in words; the provider adjustments; the
// claims sent with their outcomes; the totals.
type reconText struct {
	w   *bufio.Writer
	err error
}

func (t *reconText) begin(w io.Writer) error {
	t.w = bufio.NewWriter(w)
	return nil
}

func (t *reconText) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func optAmount(a *money.Amount) string {
	if a == nil {
		return "-"
	}
	return a.String()
}

func (t *reconText) remittance(r *remit.Remittance) error {
	t.printf("REMITTANCE %s  %s to %s  %s %s of %s  payment %s\n", r.ControlNumber, dash(r.Payer), dash(r.Payee), dash(r.Method), dash(r.Trace), r.Date, r.Payment)
	if r.Findings > 0 {
		t.printf("  the 835 has %d finding(s) in this remittance; 'perdiem read' lists them\n", r.Findings)
	}
	for _, c := range r.Claims {
		id := c.ClaimID
		if id == "" {
			id = "(no claim sent matches)"
		}
		t.printf("\n  CLAIM %s  %s  CLP01 %s, payer claim %s, status %s %s; matched by %s\n", id, c.Outcome, c.PatientControlNumber, dash(c.PayerClaimNumber), c.Status, c.StatusMeaning, c.Match)
		t.printf("    billed %s  expected %s  paid %s  patient %s\n", c.Billed, optAmount(c.Expected), c.Paid, c.PatientResponsibility)
		for _, a := range c.Adjustments {
			t.printf("    %s\n", adjustmentText(a))
		}
		for _, m := range c.Remarks {
			t.printf("    %s\n", remarkText(m))
		}
		for _, f := range c.Flags {
			t.printf("    ! %s: %s\n", f.Kind, f.Message)
		}
		if len(c.Lines) == 0 {
			continue
		}
		header := []string{"LINE", "CODE", "MODIFIERS", "FROM", "TO", "UNITS", "PAID UNITS", "BILLED", "EXPECTED", "ALLOWED", "PAID", "PATIENT", "VARIANCE", "MATCH"}
		rows := [][]string{header}
		var under [][]string
		for _, l := range c.Lines {
			code := l.Code
			if l.PaidCode != "" {
				code += ">" + l.PaidCode
			}
			rows = append(rows, []string{dash(l.LineID), code, dash(strings.Join(l.Modifiers, ",")), dateCell(l.From), dateCell(l.To),
				dash(l.Units), dash(l.PaidUnits), l.Billed.String(), optAmount(l.Expected), optAmount(l.Allowed), l.Paid.String(),
				l.PatientResponsibility.String(), optAmount(l.Variance), string(l.Match)})
			var sub []string
			if l.Term != "" {
				sub = append(sub, "expected by "+l.Term)
			}
			for _, a := range l.Adjustments {
				sub = append(sub, adjustmentText(a))
			}
			for _, m := range l.Remarks {
				sub = append(sub, remarkText(m))
			}
			for _, f := range l.Flags {
				sub = append(sub, fmt.Sprintf("! %s: %s", f.Kind, f.Message))
			}
			under = append(under, sub)
		}
		numeric := func(j int) bool { return j >= 5 && j <= 12 }
		writeAligned(t, "    ", rows, numeric, under)
	}
	if len(r.ProviderAdjustments) > 0 {
		t.printf("\n  PROVIDER ADJUSTMENTS (PLB; a positive amount reduces the payment)\n")
		for _, p := range r.ProviderAdjustments {
			ref := ""
			if p.Reference != "" {
				ref = ", reference " + p.Reference
			}
			if p.ClaimID != "" {
				ref += ", claim " + p.ClaimID
			}
			t.printf("    %s %s  %s (provider %s, period %s%s)\n", p.Reason, p.Amount, p.Meaning, p.ProviderID, p.Period, ref)
		}
	}
	t.printf("\n")
	if t.err != nil {
		return t.err
	}
	return t.w.Flush()
}

func (t *reconText) end(claims []*remit.ClaimOutcome, tot remit.Totals) error {
	if len(claims) > 0 {
		t.printf("CLAIMS SENT\n")
		rows := [][]string{{"CLAIM", "OUTCOME", "BILLED", "EXPECTED", "PAID", "PATIENT", "ANSWERS"}}
		var under [][]string
		for _, c := range claims {
			rows = append(rows, []string{c.ClaimID, string(c.Outcome), c.Billed.String(), optAmount(c.Expected), c.Paid.String(),
				c.PatientResponsibility.String(), fmt.Sprint(len(c.Payments))})
			var sub []string
			for _, f := range c.Flags {
				sub = append(sub, fmt.Sprintf("! %s: %s", f.Kind, f.Message))
			}
			under = append(under, sub)
		}
		writeAligned(t, "  ", rows, func(j int) bool { return j >= 2 }, under)
		t.printf("\n")
	}
	t.printf("TOTALS  %d remittance(s), payments %s, paid on claims %s, provider adjustments %s, patient responsibility %s\n",
		tot.Remittances, tot.Payments, tot.ClaimsPaid, tot.ProviderAdjustments, tot.PatientResponsibility)
	var kinds []string
	for k := range tot.Flags {
		kinds = append(kinds, string(k))
	}
	slices.Sort(kinds)
	for i, k := range kinds {
		kinds[i] = fmt.Sprintf("%s %d", k, tot.Flags[remit.FlagKind(k)])
	}
	if len(kinds) > 0 {
		t.printf("  flags: %s\n", strings.Join(kinds, ", "))
	} else {
		t.printf("  nothing flagged\n")
	}
	if t.err != nil {
		return t.err
	}
	return t.w.Flush()
}

// writeAligned prints rows in columns (numbers right-aligned), each row
// but the header followed by its lines in under, indented.
func writeAligned(t *reconText, indent string, rows [][]string, numeric func(int) bool, under [][]string) {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for j, cell := range row {
			widths[j] = max(widths[j], utf8.RuneCountInString(cell))
		}
	}
	var b strings.Builder
	for i, row := range rows {
		b.Reset()
		b.WriteString(indent)
		for j, cell := range row {
			pad := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(cell))
			switch {
			case numeric(j) && i > 0:
				b.WriteString(pad + cell)
			case j == len(row)-1:
				b.WriteString(cell)
			default:
				b.WriteString(cell + pad)
			}
			if j < len(row)-1 {
				b.WriteString("  ")
			}
		}
		t.printf("%s\n", strings.TrimRight(b.String(), " "))
		if i > 0 {
			for _, s := range under[i-1] {
				t.printf("%s    %s\n", indent, s)
			}
		}
	}
}

func dateCell(d civil.Date) string {
	if d == 0 {
		return "-"
	}
	return d.String()
}

func adjustmentText(a remit.Adjustment) string {
	s := fmt.Sprintf("%s-%s %s  %s", a.Group, a.Reason, a.Amount, a.Meaning)
	if a.Quantity != "" {
		s += " (quantity " + a.Quantity + ")"
	}
	if a.Status == "deactivated" {
		s += " [deactivated code]"
	}
	return s
}

func remarkText(m remit.Remark) string {
	s := "remark " + m.Code + "  " + m.Meaning
	if m.Status == "deactivated" {
		s += " [deactivated code]"
	}
	return s
}

// csvColumns are the columns of --format csv, documented in
// docs/reconcile.md.
var csvColumns = []string{
	"row", "remittance", "trace", "payer", "payment_date",
	"claim_id", "patient_control_number", "payer_claim_number", "claim_status", "outcome", "claim_match",
	"line_id", "line_match", "code", "modifiers", "paid_code", "from", "to", "units", "paid_units",
	"billed", "expected", "term", "allowed", "paid", "patient_responsibility", "variance",
	"adjustments", "remarks", "flags", "claim_adjustments", "claim_remarks", "claim_flags", "provider_adjustment",
}

// reconCSV writes one row per line of each remittance claim ("line");
// a claim with no line gets one "claim" row, a provider adjustment a
// "provider-adjustment" row, and a claim sent that no remittance answers
// a "no-remittance" row. Money is plain decimals (1234.50).
type reconCSV struct {
	w *csv.Writer
}

func (c *reconCSV) begin(w io.Writer) error {
	c.w = csv.NewWriter(w)
	return c.w.Write(csvColumns)
}

func (c *reconCSV) row(vals map[string]string) error {
	rec := make([]string, len(csvColumns))
	for i, col := range csvColumns {
		rec[i] = vals[col]
	}
	return c.w.Write(rec)
}

func amountCell(a *money.Amount) string {
	if a == nil {
		return ""
	}
	return a.String()
}

func dateValue(d civil.Date) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

func adjustmentsCell(adj []remit.Adjustment) string {
	var s []string
	for _, a := range adj {
		s = append(s, fmt.Sprintf("%s-%s %s (%s)", a.Group, a.Reason, a.Amount, a.Meaning))
	}
	return strings.Join(s, "; ")
}

func remarksCell(rem []remit.Remark) string {
	var s []string
	for _, m := range rem {
		s = append(s, fmt.Sprintf("%s (%s)", m.Code, m.Meaning))
	}
	return strings.Join(s, "; ")
}

func flagsCell(flags []remit.Flag) string {
	var s []string
	for _, f := range flags {
		s = append(s, string(f.Kind)+": "+f.Message)
	}
	return strings.Join(s, "; ")
}

func (c *reconCSV) remittance(r *remit.Remittance) error {
	base := map[string]string{"remittance": r.ControlNumber, "trace": r.Trace, "payer": r.Payer, "payment_date": dateValue(r.Date)}
	with := func(more map[string]string) map[string]string {
		out := make(map[string]string, len(base)+len(more))
		for k, v := range base {
			out[k] = v
		}
		for k, v := range more {
			out[k] = v
		}
		return out
	}
	for _, cp := range r.Claims {
		claim := map[string]string{
			"claim_id": cp.ClaimID, "patient_control_number": cp.PatientControlNumber, "payer_claim_number": cp.PayerClaimNumber,
			"claim_status": cp.Status, "outcome": string(cp.Outcome), "claim_match": string(cp.Match),
			"claim_adjustments": adjustmentsCell(cp.Adjustments), "claim_remarks": remarksCell(cp.Remarks), "claim_flags": flagsCell(cp.Flags),
		}
		if len(cp.Lines) == 0 {
			v := with(claim)
			v["row"] = "claim"
			v["billed"], v["expected"], v["paid"], v["patient_responsibility"] = cp.Billed.String(), amountCell(cp.Expected), cp.Paid.String(), cp.PatientResponsibility.String()
			if err := c.row(v); err != nil {
				return err
			}
			continue
		}
		for _, l := range cp.Lines {
			v := with(claim)
			v["row"] = "line"
			v["line_id"], v["line_match"], v["code"], v["modifiers"], v["paid_code"] = l.LineID, string(l.Match), l.Code, strings.Join(l.Modifiers, ","), l.PaidCode
			v["from"], v["to"], v["units"], v["paid_units"] = dateValue(l.From), dateValue(l.To), l.Units, l.PaidUnits
			v["billed"], v["expected"], v["term"], v["allowed"] = l.Billed.String(), amountCell(l.Expected), l.Term, amountCell(l.Allowed)
			v["paid"], v["patient_responsibility"], v["variance"] = l.Paid.String(), l.PatientResponsibility.String(), amountCell(l.Variance)
			v["adjustments"], v["remarks"], v["flags"] = adjustmentsCell(l.Adjustments), remarksCell(l.Remarks), flagsCell(l.Flags)
			if err := c.row(v); err != nil {
				return err
			}
		}
	}
	for _, p := range r.ProviderAdjustments {
		v := with(map[string]string{"row": "provider-adjustment", "claim_id": p.ClaimID, "code": p.Reason,
			"adjustments": p.Meaning, "provider_adjustment": p.Amount.String(), "payer_claim_number": p.Reference})
		if err := c.row(v); err != nil {
			return err
		}
	}
	c.w.Flush()
	return c.w.Error()
}

func (c *reconCSV) end(claims []*remit.ClaimOutcome, _ remit.Totals) error {
	for _, o := range claims {
		if o.Outcome != remit.NoRemittance {
			continue
		}
		if err := c.row(map[string]string{"row": "no-remittance", "claim_id": o.ClaimID, "outcome": string(o.Outcome),
			"billed": o.Billed.String(), "expected": amountCell(o.Expected), "claim_flags": flagsCell(o.Flags)}); err != nil {
			return err
		}
	}
	c.w.Flush()
	return c.w.Error()
}
