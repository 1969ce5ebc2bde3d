package codeset

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkOpenRelease reads the January 2025 release in each form CMS
// ships: the zip, its fixed-width text and its workbook.
func BenchmarkOpenRelease(b *testing.B) {
	dir := b.TempDir()
	files := map[string]string{"zip": release2025}
	for form, member := range map[string]string{"txt": "HCPC2025_JAN_ANWEB_12172024.txt", "xlsx": "HCPC2025_JAN_ANWEB_12172024.xlsx"} {
		p := filepath.Join(dir, member)
		if err := os.WriteFile(p, zipMember(b, release2025, member), 0o644); err != nil {
			b.Fatal(err)
		}
		files[form] = p
	}
	for _, form := range []string{"zip", "txt", "xlsx"} {
		b.Run(form, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := OpenRelease(files[form]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
