package remit

import "github.com/perdiem/perdiem/x12/x221"

// The small code lists of the 835 that reconciliation names in words. The
// adjustment reason (CARC) and remark (RARC) lists are X12's, shipped with
// x12/x221 (see its data/SOURCES.md); these are the ones short enough to
// keep here. Codes allowed in 005010X221A1 are those of pyx12's map
// (docs/reconcile.md); the names are X12's element code names.

// claimStatuses are the CLP02 codes an 005010X221A1 835 may carry.
var claimStatuses = map[string]string{
	"1":  "processed as primary",
	"2":  "processed as secondary",
	"3":  "processed as tertiary",
	"4":  "denied",
	"19": "processed as primary, forwarded to additional payer(s)",
	"20": "processed as secondary, forwarded to additional payer(s)",
	"21": "processed as tertiary, forwarded to additional payer(s)",
	"22": "reversal of previous payment",
	"23": "not our claim, forwarded to additional payer(s)",
	"25": "predetermination pricing only, no payment",
}

// groups are the CAS01 claim adjustment group codes. CR was removed in
// 005010 but 4010-era payers still send it.
var groups = map[string]string{
	"CO": "contractual obligation (the provider writes it off)",
	"PR": "patient responsibility",
	"OA": "other adjustment",
	"PI": "payer initiated reduction",
	"CR": "correction or reversal (not valid in 005010)",
}

// providerAdjustments are the PLB03-1 reason codes of 005010X221A1.
var providerAdjustments = map[string]string{
	"50": "late charge",
	"51": "interest penalty charge",
	"72": "authorized return (a refund the provider sent)",
	"90": "early payment allowance",
	"AH": "origination fee",
	"AM": "applied to borrower's account",
	"AP": "acceleration of benefits",
	"B2": "rebate",
	"B3": "recovery allowance",
	"BD": "bad debt adjustment",
	"BN": "bonus",
	"C5": "temporary allowance",
	"CR": "capitation interest",
	"CS": "adjustment",
	"CT": "capitation payment",
	"CV": "capital passthru",
	"CW": "certified registered nurse anesthetist passthru",
	"DM": "direct medical education passthru",
	"E3": "withholding",
	"FB": "forwarding balance",
	"FC": "fund allocation",
	"GO": "graduate medical education passthru",
	"HM": "hemophilia clotting factor supplement",
	"IP": "incentive premium payment",
	"IR": "Internal Revenue Service withholding",
	"IS": "interim settlement",
	"J1": "nonreimbursable",
	"L3": "penalty",
	"L6": "interest owed",
	"LE": "levy",
	"LS": "lump sum",
	"OA": "organ acquisition passthru",
	"OB": "offset for affiliated providers",
	"PI": "periodic interim payment",
	"PL": "payment final",
	"RA": "retro-activity adjustment",
	"RE": "return on equity",
	"SL": "student loan repayment",
	"TL": "third party liability",
	"WO": "overpayment recovery",
	"WU": "unspecified recovery",
}

// Unknown is the meaning given to a code on none of the lists: it is shown
// as sent, never dropped.
const Unknown = "unknown code"

func meaning(list map[string]string, code string) string {
	if m, ok := list[code]; ok {
		return m
	}
	return Unknown
}

// reason names a CARC in words, with its status on X12's list
// (current, deactivated, or unknown).
func reason(code string) (meaning, status string) {
	if c, ok := x221.ReasonCode(code); ok {
		return c.Meaning(), c.Status
	}
	return Unknown, "unknown"
}

// remark names a remark: an RARC (LQ*HE, MOA, MIA) by X12's list; an
// NCPDP reject code (LQ*RX) has no list shipped.
func remark(qualifier, code string) (meaning, status string) {
	if qualifier == "RX" {
		return "NCPDP reject code (its list is not shipped)", "unlisted"
	}
	if c, ok := x221.RemarkCode(code); ok {
		return c.Meaning(), c.Status
	}
	return Unknown, "unknown"
}
