// Package x222 validates 837P professional claims against the ASC X12N
// 005010X222A1 implementation guide, the way a clearinghouse front end does,
// and gives the loop tree of a claim file.
//
// The guide is data (guide.txt, embedded): loops, their segments with usage
// and repeat counts, the layout of every data element and the code lists that
// matter. Validate streams the input and holds at most one claim's state;
// Parse builds the whole tree for programs that want it.
//
// Findings have five levels, in the order a front end checks them: syntax
// (the tokenizer could not go on), envelope (ISA/GS/ST headers and trailers,
// counts and control numbers), structure (loops and segments against the
// guide: SNIP 2), element (code values, dates, lengths, and the guide's
// numbering rules for HL01, HL02, HL04 and LX01: SNIP 2; the X12 syntax
// notes relating elements of one segment: SNIP 1) and business (claim
// balancing, NPI check digits, addresses, diagnosis pointers, NDC and
// ICD-10 shapes: SNIP 3-7). The first four reject a transaction set in a 999;
// business findings reject claims in a 277CA.
//
// The code set is passed in (Options.Codes), not fetched from a global, so
// one process can check files against several code set versions.
package x222
