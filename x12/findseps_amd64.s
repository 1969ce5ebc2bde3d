#include "textflag.h"

// func findSeps(b []byte, es, term byte, seps []int) (n, k, i int)
//
// Sixteen bytes at a time (SSE2, which every amd64 has): PCMPEQB marks the
// bytes equal to the separator and to the terminator, PMOVMSKB makes each
// a 16-bit mask, and the separators' bits are written as offsets, up to
// the block that holds the terminator.
TEXT ·findSeps(SB), NOSPLIT, $0-80
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), BX
	MOVQ seps_base+32(FP), DI
	MOVQ seps_len+40(FP), CX
	// read at most len(seps)-2 bytes: seps[k] is then in seps
	SUBQ $2, CX
	CMPQ BX, CX
	CMOVQGT CX, BX
	SUBQ $15, BX // a block starts before BX
	MOVQ $0x0101010101010101, R9
	MOVBQZX es+24(FP), AX
	IMULQ R9, AX
	MOVQ AX, X1
	PUNPCKLQDQ X1, X1
	MOVBQZX term+25(FP), AX
	IMULQ R9, AX
	MOVQ AX, X2
	PUNPCKLQDQ X2, X2
	XORQ R8, R8  // i
	MOVQ $1, R11 // k

block:
	CMPQ R8, BX
	JGE none
	MOVOU (SI)(R8*1), X0
	MOVO X0, X3
	PCMPEQB X1, X0
	PCMPEQB X2, X3
	PMOVMSKB X0, AX
	PMOVMSKB X3, DX
	TESTL DX, DX
	JNZ found
	TESTL AX, AX
	JZ next

seps:
	BSFL AX, R9
	ADDQ R8, R9
	MOVQ R9, (DI)(R11*8)
	INCQ R11
	LEAL -1(AX), R10
	ANDL R10, AX
	JNZ seps

next:
	ADDQ $16, R8
	JMP block

found:
	// the separators before the terminator
	BSFL DX, DX
	MOVL $1, R10
	MOVL DX, CX
	SHLL CX, R10
	DECL R10
	ANDL R10, AX
	JZ term

last:
	BSFL AX, R9
	ADDQ R8, R9
	MOVQ R9, (DI)(R11*8)
	INCQ R11
	LEAL -1(AX), R10
	ANDL R10, AX
	JNZ last

term:
	ADDQ R8, DX
	MOVQ DX, n+56(FP)
	MOVQ R11, k+64(FP)
	MOVQ R8, i+72(FP)
	RET

none:
	MOVQ $-1, n+56(FP)
	MOVQ R11, k+64(FP)
	MOVQ R8, i+72(FP)
	RET
