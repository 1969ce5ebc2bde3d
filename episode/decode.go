package episode

import (
	"reflect"
	"strings"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/internal/strictjson"
)

// Problem is one thing wrong with a document, at a field path such as
// therapies[1].changes[0].from. An empty Path means the whole document.
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p Problem) String() string { return errs.Problem(p).String() }

// Error is the error Decode returns: every problem found, in document order
// (BI-1). A document with any problem yields no Document at all.
type Error struct {
	Problems []Problem
}

// ErrorCode says a document error is invalid input (errs.Invalid).
func (e *Error) ErrorCode() errs.Code { return errs.Invalid }

// ErrorProblems returns e.Problems as errs problems.
func (e *Error) ErrorProblems() []errs.Problem {
	out := make([]errs.Problem, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = errs.Problem(p)
	}
	return out
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Decode reads one episode document strictly: unknown fields, values of the
// wrong JSON type, impossible dates, text that is not UTF-8, trailing data
// and every rule of docs/input-format.md are problems, each reported with
// its field path. A UTF-8 byte order mark before the document is skipped.
// Any problem returns a nil Document and an *Error.
func Decode(data []byte) (*Document, error) {
	var a arena
	return decode(&a, string(data))
}

func decode(a *arena, text string) (*Document, error) {
	text = blankBOM(text)
	doc, err := decodeFastIn(a, text)
	if err != nil {
		// The path-tracking walk is the judge: it names each problem.
		if probs := walk(checkText, []byte(text)); len(probs) > 0 {
			return nil, &Error{Problems: probs}
		}
		// The walk must find what the fast path found; if it does not,
		// the problem is still reported rather than lost.
		return nil, &Error{Problems: []Problem{{Message: err.Error()}}}
	}
	// The fast path, like encoding/json, turns text that is not UTF-8
	// into U+FFFD; a name or description changed that way is refused.
	if a.dec.notText {
		if probs := walk(checkText, []byte(text)); len(probs) > 0 {
			return nil, &Error{Problems: probs}
		}
	}
	if probs := doc.validate(); len(probs) > 0 {
		return nil, &Error{Problems: probs}
	}
	return doc, nil
}

// blankBOM is strictjson.BlankBOM for text: a UTF-8 byte order mark
// becomes three spaces, so byte offsets stay those of the input.
func blankBOM(text string) string {
	if strings.HasPrefix(text, "\xEF\xBB\xBF") {
		return "   " + text[3:]
	}
	return text
}

var (
	documentType   = reflect.TypeFor[Document]()
	checkStructure = strictjson.Checker{Type: documentType, Noun: "document"}
	checkText      = strictjson.Checker{Type: documentType, Noun: "document", Text: true}
)

// structuralProblems walks the document token by token beside the Go types,
// so each unknown field, wrong type or bad value is named by its path. Like
// encoding/json and the fast path, it lets text that is not UTF-8 through.
func structuralProblems(data []byte) []Problem { return walk(checkStructure, data) }

// walk runs a checker over data and returns its problems as the package's.
func walk(c strictjson.Checker, data []byte) []Problem {
	found := c.Check(data)
	if len(found) == 0 {
		return nil
	}
	probs := make([]Problem, len(found))
	for i, p := range found {
		probs[i] = Problem(p)
	}
	return probs
}

var indexPath = strictjson.IndexPath

// Decoder decodes documents one after another, as Decode does, reusing the
// memory of the documents it returned before: a Document it returns is
// valid only until its next call to Decode. A batch that codes each
// document before reading the next allocates little more than each
// document's text that way. A Decoder is not safe for concurrent use.
type Decoder struct {
	a arena
}

// Decode reads one document as the package's Decode does; it writes over
// the Document the previous call returned.
func (dec *Decoder) Decode(data []byte) (*Document, error) {
	return dec.DecodeString(string(data))
}

// DecodeString is Decode for a document's text. The Document's strings are
// substrings of text where they need no unescaping, so a batch that holds
// many documents in one string copies none of them.
func (dec *Decoder) DecodeString(text string) (*Document, error) {
	dec.a.reset()
	return decode(&dec.a, text)
}
