// Package guide validates X12 transaction sets against an implementation
// guide given as data, and gives their loop trees.
//
// A guide (see Parse) lists the loops of a transaction set, their segments
// with usage and repeat counts, the layout of every data element, the code
// lists that matter and the X12 syntax notes. One machine walks any guide:
// Validate streams the input and holds only the loop stack and what the
// transaction's business Rules keep; Tree builds the whole loop tree for
// programs that want it.
//
// Findings have five levels, in the order a front end checks them: syntax
// (the tokenizer could not go on), envelope (ISA/GS/ST headers and trailers,
// counts and control numbers), structure (loops and segments against the
// guide: SNIP 2), element (code values, dates, lengths: SNIP 2; the X12
// syntax notes relating elements of one segment: SNIP 1) and business (the
// Rules: SNIP 3-7). The first four reject a transaction set in a 999.
package guide
