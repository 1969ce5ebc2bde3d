package layering

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/perdiem/perdiem/"

// root is the module's folder, two levels up from this package.
var root = filepath.Join("..", "..")

// imports lists the module packages that the non-test files of the package
// in dir import.
func imports(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(root, dir))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(root, dir, name), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if rest, ok := strings.CutPrefix(p, module); ok {
				out = append(out, rest)
			}
		}
	}
	return out
}

// TestNoEngineBelow: nothing that profile, pricing, asp or any X12 package depends on,
// directly or not, is the episode document or the coding engine.
func TestNoEngineBelow(t *testing.T) {
	forbidden := map[string]bool{"episode": true, "coding": true}
	var starts []string
	filepath.WalkDir(filepath.Join(root, "x12"), func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() && d.Name() != "testdata" {
			rel, _ := filepath.Rel(root, path)
			starts = append(starts, filepath.ToSlash(rel))
		}
		return err
	})
	starts = append(starts, "profile", "pricing", "asp")
	if len(starts) < 5 {
		t.Fatalf("found only %v: the walk did not find the X12 packages", starts)
	}
	for _, start := range starts {
		via := map[string]string{start: ""}
		queue := []string{start}
		for len(queue) > 0 {
			pkg := queue[0]
			queue = queue[1:]
			for _, dep := range imports(t, pkg) {
				if _, seen := via[dep]; seen {
					continue
				}
				via[dep] = pkg
				if forbidden[dep] {
					chain := dep
					for p := pkg; p != ""; p = via[p] {
						chain = p + " → " + chain
					}
					t.Errorf("%s depends on %s: %s", start, dep, chain)
				}
				queue = append(queue, dep)
			}
		}
	}
}
