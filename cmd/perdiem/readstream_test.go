package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/x12/x214"
	"github.com/perdiem/perdiem/x12/x221"
	"github.com/perdiem/perdiem/x12/x222"
	"github.com/perdiem/perdiem/x12/x835"
	"github.com/perdiem/perdiem/x12/x837p"
	"github.com/perdiem/perdiem/x12/x999"
)

// inMemory is what perdiem read printed when it read the whole file into
// memory and encoded it at once; the streaming output must be the same.
func inMemory(t *testing.T, file string, tree bool) (out string, readErr error) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	kind, version, err := transactionKind(bufioReader(data))
	if err != nil {
		return "", err
	}
	v := readOutput{Type: kindName(kind, version)}
	r := bytes.NewReader(data)
	switch {
	case kind == "837" && tree:
		v.Interchanges, err = x222.ParseAll(r)
	case kind == "835" && tree:
		v.Interchanges, err = x221.ParseAll(r)
	case tree:
		return "", errors.New("no tree")
	case kind == "837":
		v.Claims, err = x837p.Read(r)
	case kind == "835":
		var outside []*x835.Error
		v.Remittances, outside, err = x835.Read(r)
		if len(v.Remittances) > 0 {
			err = nil
		}
		if len(outside) > 0 {
			v.Findings = outside
		}
	case kind == "277":
		var outside []*x214.Error
		v.CodeLists = x214Lists
		v.ClaimAcks, outside, err = x214.Read(r)
		if len(v.ClaimAcks) > 0 {
			err = nil
		}
		if len(outside) > 0 {
			v.Findings = outside
		}
	case kind == "999":
		v.Acknowledges, err = x999.Read(r)
	}
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return b.String(), nil
}

// TestReadStreamsWhatItReadInMemory: for every X12 sample, read and read
// --tree print byte for byte what encoding the whole file at once gives,
// from a file and from a pipe; a file that cannot be read prints nothing.
func TestReadStreamsWhatItReadInMemory(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/x12/*/*")
	checked := 0
	for _, file := range files {
		if strings.HasSuffix(file, ".md") || strings.HasSuffix(file, ".txt") {
			continue
		}
		for _, tree := range []bool{false, true} {
			want, wantErr := inMemory(t, file, tree)
			args := []string{"read", file}
			if tree {
				args = append(args, "--tree")
			}
			var stdout, stderr bytes.Buffer
			run(&env{stdout: &stdout, stderr: &stderr}, args)
			if wantErr != nil {
				if stdout.Len() != 0 {
					t.Errorf("%s tree=%v: %v in memory, but streaming printed %d bytes", file, tree, wantErr, stdout.Len())
				}
				continue
			}
			if got := stdout.String(); got != want {
				t.Errorf("%s tree=%v: streaming output differs at %s", file, tree, firstDifference(got, want))
				continue
			}
			data, _ := os.ReadFile(file)
			var piped bytes.Buffer
			run(&env{stdin: bytes.NewReader(data), stdout: &piped, stderr: io.Discard}, append([]string{"read", "-"}, args[2:]...))
			if piped.String() != want {
				t.Errorf("%s tree=%v: from standard input the output differs", file, tree)
			}
			checked++
		}
	}
	if checked < 40 {
		t.Errorf("only %d readings compared", checked)
	}
}

// TestReadTreeRefusesAHugeSet: one transaction set is held in memory, so
// its size is bounded.
func TestReadTreeRefusesAHugeSet(t *testing.T) {
	data, _ := os.ReadFile("../../testdata/x12/837p/synthetic__home-infusion-good.x12")
	s := string(data)
	i := strings.Index(s, "NTE*")
	pad := strings.Repeat("NTE*ADD*PADDING~", maxTreeSet/16+1)
	big := s[:i] + pad + s[i:]
	code, stdout, stderr := runCmd(big, "read", "--tree", "-")
	if code != exitInput || stdout != "" || !strings.Contains(stderr, "larger than 32 MiB") {
		t.Errorf("exit %d, stdout %d bytes, stderr %.200s", code, len(stdout), stderr)
	}
}

func bufioReader(data []byte) *bufio.Reader { return bufio.NewReaderSize(bytes.NewReader(data), 1<<16) }
