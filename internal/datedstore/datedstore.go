// Package datedstore keeps the files of a folder of dated imports, one
// file a period named prefix-YYYY-MM-DD.tsv by the period's first day: the
// store of HCPCS releases (codeset) and of ASP quarters (asp).
package datedstore

import (
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/perdiem/perdiem/civil"
	"github.com/perdiem/perdiem/internal/atomicfile"
)

// Name is the file name of the period starting on day d.
func Name(prefix string, d civil.Date) string { return prefix + "-" + d.String() + ".tsv" }

// Write writes the file of the period starting on day d into dir with
// write, replacing an earlier one. The folder is made when missing; the
// file is written whole or not at all. It returns the file's path and
// whether it replaced one.
func Write(dir, prefix string, d civil.Date, write func(io.Writer) error) (string, bool, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", false, err
	}
	path := filepath.Join(dir, Name(prefix, d))
	_, statErr := os.Stat(path)
	if err := atomicfile.Write(path, write); err != nil {
		return "", false, err
	}
	return path, statErr == nil, nil
}

// ReadAll reads every file of the store in dir with read and returns what
// it gave, ordered by day (the period's first day), oldest first. A folder
// that does not exist holds none.
func ReadAll[T any](dir, prefix string, read func(path string) (T, error), day func(T) civil.Date) ([]T, error) {
	names, err := filepath.Glob(filepath.Join(dir, prefix+"-*.tsv"))
	if err != nil {
		return nil, err
	}
	var out []T
	for _, name := range names {
		v, err := read(name)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return day(out[i]) < day(out[j]) })
	return out, nil
}
