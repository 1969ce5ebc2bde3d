package main

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"io"
	"os"

	"github.com/perdiem/perdiem/x12/x837p"
)

// spillMemory is how many bytes of claims a spill keeps in memory before
// it moves them to a temporary file.
const spillMemory = 8 << 20

// spill keeps built claims between the pass that checks every document and
// the pass that writes the interchange, so that memory does not grow with
// the batch: in memory while small, then in a temporary file in the
// system's temporary directory. The file holds patient data: it is created
// with mode 0600 and, where the system allows, unlinked at once, so it
// has no name another process could open and nothing is left behind
// whatever ends the process.
type spill struct {
	mem  bytes.Buffer
	file *os.File
	name string // to remove on close where unlinking an open file fails
	w    *bufio.Writer
	enc  *gob.Encoder
	stop func()
}

func newSpill() *spill {
	s := &spill{}
	s.enc = gob.NewEncoder(spillWriter{s})
	return s
}

type spillWriter struct{ s *spill }

func (sw spillWriter) Write(p []byte) (int, error) {
	s := sw.s
	if s.file == nil && s.mem.Len()+len(p) > spillMemory {
		f, err := os.CreateTemp("", "perdiem-claims-*")
		if err != nil {
			return 0, err
		}
		if os.Remove(f.Name()) != nil {
			s.name = f.Name()
			s.stop = onInterrupt(func() { f.Close(); os.Remove(s.name) })
		}
		s.file, s.w = f, bufio.NewWriterSize(f, 1<<16)
		if _, err := s.w.Write(s.mem.Bytes()); err != nil {
			return 0, err
		}
		s.mem = bytes.Buffer{}
	}
	if s.w != nil {
		return s.w.Write(p)
	}
	return s.mem.Write(p)
}

func (s *spill) add(c *x837p.Claim) error { return s.enc.Encode(c) }

// replay calls fn with a function that returns the spilled claims in order,
// then io.EOF.
func (s *spill) replay(fn func(next func() (*x837p.Claim, error)) error) error {
	var r io.Reader = bytes.NewReader(s.mem.Bytes())
	if s.file != nil {
		if err := s.w.Flush(); err != nil {
			return err
		}
		if _, err := s.file.Seek(0, io.SeekStart); err != nil {
			return err
		}
		r = bufio.NewReaderSize(s.file, 1<<16)
	}
	dec := gob.NewDecoder(r)
	return fn(func() (*x837p.Claim, error) {
		c := new(x837p.Claim)
		if err := dec.Decode(c); err != nil {
			return nil, err
		}
		return c, nil
	})
}

func (s *spill) close() {
	if s.file != nil {
		s.file.Close()
	}
	if s.name != "" {
		os.Remove(s.name)
		s.stop()
	}
}
