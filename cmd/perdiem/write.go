package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"reflect"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/internal/strictjson"
	"github.com/perdiem/perdiem/x12/x222"
)

func init() {
	register(command{
		name:  "write",
		usage: "write FILE|- [--out F]",
		summary: `Write an 837P or an 835 back from the JSON of 'perdiem read --tree'.

Takes the loop trees that 'perdiem read --tree' prints (edited or not) and
writes them as X12, each interchange with its own delimiters, so a file can
be read, changed by a program, and written back: unchanged, it comes back
segment for segment, trailing empty elements included. The segments are
written as they are: run 'perdiem validate' on the result.`,
		run: runWrite,
	})
}

func runWrite(e *env, args []string) int {
	fs := flag.NewFlagSet("write", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("out", "", "output file (default standard output)")
	name, err := parseWithFile(fs, args)
	if err != nil {
		return exitInput
	}
	in, err := openInput(e, name)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem write: %v\n", err)
		return exitInput
	}
	defer in.Close()
	var doc struct {
		Type         string              `json:"type"`
		Interchanges []*x222.Interchange `json:"interchanges"`
		// Interchange is the single interchange of earlier versions.
		Interchange *x222.Interchange `json:"interchange"`
	}
	// The tree is held whole in any case: reading it first lets a
	// problem be named by its field path, in words, not Go's types.
	data, err := io.ReadAll(skipBOM(in))
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem write: %s: %v\n", name, err)
		return exitInput
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		probs := strictjson.Checker{Type: reflect.TypeOf(doc), Noun: "tree"}.Check(data)
		if len(probs) == 0 {
			probs = []errs.Problem{{Message: err.Error()}}
		}
		for _, p := range probs {
			fmt.Fprintf(e.stderr, "perdiem write: %s: %s\n", name, p)
		}
		fmt.Fprintf(e.stderr, "perdiem write: %s: want the JSON of 'perdiem read --tree'\n", name)
		return exitInput
	}
	if doc.Interchange != nil {
		doc.Interchanges = append([]*x222.Interchange{doc.Interchange}, doc.Interchanges...)
	}
	if len(doc.Interchanges) == 0 {
		fmt.Fprintf(e.stderr, "perdiem write: %s: no \"interchanges\": want the JSON of 'perdiem read --tree'\n", name)
		return exitInput
	}
	// The tree is in memory already; writing it to a buffer first means a
	// segment that cannot be written leaves no partial output behind.
	var buf bytes.Buffer
	for i, t := range doc.Interchanges {
		if t == nil {
			err = fmt.Errorf("interchanges[%d] is null", i)
			break
		}
		if err = t.Write(&buf); err != nil {
			err = fmt.Errorf("interchanges[%d]: %w", i, err)
			break
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem write: %v\n", err)
		return exitInput
	}
	o, err := openOutput(e, *out, name)
	if err == nil {
		if _, err = o.Write(buf.Bytes()); err == nil {
			err = o.Commit()
		}
		o.Abort()
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem write: writing %s: %v\n", outputName(*out), err)
		return exitCodeOf(err)
	}
	return exitOK
}
