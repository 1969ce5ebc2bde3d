#include "go_asm.h"
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

// func findRun(b []byte, from int, es, term byte, offs, ends []int) (nseg int)
//
// The blocks as in findSeps, from where a segment starts after whitespace. In a block that holds terminators, the
// separators before each are written, then it, then -1 for the segment
// after it, whose offsets count from its start: R14 is the block's offset
// from there. A block adds at most two offsets a byte, so there is room for
// it when k is at most len(offs)-32.
TEXT ·findRun(SB), NOSPLIT, $0-96
	MOVQ b_base+0(FP), SI
	MOVQ from+24(FP), R8 // i
	MOVQ R8, R13         // the segment's start
	// read at most runBytes bytes from from
	LEAQ const_runBytes(R8), BX
	CMPQ BX, b_len+8(FP)
	CMOVQGT b_len+8(FP), BX
	SUBQ $15, BX // a block starts before BX
	MOVQ offs_base+40(FP), DI
	MOVQ offs_len+48(FP), R10
	SUBQ $32, R10
	MOVQ ends_base+64(FP), R9
	XORQ R15, R15 // nseg
	CMPQ R10, $1
	JLT done
	CMPQ ends_len+72(FP), $0
	JLE done
	MOVQ $-1, (DI)
	MOVQ $1, R11 // k
	MOVQ $0x0101010101010101, CX
	MOVBQZX es+32(FP), AX
	IMULQ CX, AX
	MOVQ AX, X1
	PUNPCKLQDQ X1, X1
	MOVBQZX term+33(FP), AX
	IMULQ CX, AX
	MOVQ AX, X2
	PUNPCKLQDQ X2, X2

block:
	CMPQ R8, BX
	JGE done
	CMPQ R11, R10
	JGT done
	MOVOU (SI)(R8*1), X0
	MOVO X0, X3
	PCMPEQB X1, X0
	PCMPEQB X2, X3
	PMOVMSKB X0, AX
	PMOVMSKB X3, DX
	MOVQ R8, R14
	SUBQ R13, R14
	TESTL DX, DX
	JNZ mixed
	TESTL AX, AX
	JZ next

seps:
	BSFL AX, CX
	BTRL CX, AX
	ADDQ R14, CX
	MOVQ CX, (DI)(R11*8)
	INCQ R11
	TESTL AX, AX
	JNZ seps

next:
	ADDQ $16, R8
	JMP block

mixed:
	BSFL DX, R12 // the first terminator
	BTRL R12, DX

before:
	BSFL AX, CX
	JZ term
	CMPL CX, R12
	JGT term
	BTRL CX, AX
	ADDQ R14, CX
	MOVQ CX, (DI)(R11*8)
	INCQ R11
	JMP before

term:
	ADDQ R14, R12 // the segment's length
	MOVQ R12, (DI)(R11*8)
	MOVQ R11, (R9)(R15*8)
	INCQ R11
	INCQ R15
	CMPQ R15, ends_len+72(FP)
	JGE done
	LEAQ 1(R13)(R12*1), R13
	CMPQ R13, b_len+8(FP)
	JGE done
	MOVBLZX (SI)(R13*1), CX
	CMPL CX, $0x20
	JLS space
	CMPL CX, $0x49 // 'I'
	JEQ done
	MOVQ $-1, (DI)(R11*8)
	INCQ R11
	MOVQ R8, R14
	SUBQ R13, R14
	TESTL DX, DX
	JNZ mixed
	TESTL AX, AX
	JNZ seps
	JMP next

space:
	// Whitespace (isSpace) before the next segment, which the Reader
	// skips: the blocks go on from where the segment starts.
	CMPL CX, $0x20
	JEQ skip
	SUBL $9, CX
	CMPL CX, $4
	JHI done

skip:
	INCQ R13
	CMPQ R13, b_len+8(FP)
	JGE done
	MOVBLZX (SI)(R13*1), CX
	CMPL CX, $0x20
	JLS space
	CMPL CX, $0x49 // 'I'
	JEQ done
	MOVQ $-1, (DI)(R11*8)
	INCQ R11
	MOVQ R13, R8
	JMP block

done:
	MOVQ R15, nseg+88(FP)
	RET
