package build

import (
	"bytes"
	"strings"
	"testing"

	"github.com/perdiem/perdiem/codeset"
)

const header = "code,kind,short_descriptor,long_descriptor,effective_date,termination_date,notes,source_url\n"

func TestReadCurated(t *testing.T) {
	rows, err := ReadCurated(strings.NewReader(header +
		`S9563,per_diem,Ht inj immuno diem,"Home injectable therapy, immunotherapy, per diem",2023-04-01,,HCPCS action eff 2023-04-01 (action N),https://example.org/a` + "\n" +
		`J0696,other,Ceftriaxone,"Injection, ceftriaxone sodium, per 250 mg",1990-01-01,,HCPCS action eff 1997-01-01 (action N),https://example.org/b` + "\n" +
		`B9000,dme,Pump,Enteral nutrition infusion pump - without alarm,1988-01-01,2016-12-31,,https://example.org/c` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("read %d rows; want 3", len(rows))
	}
	if v := rows[0].Versions; len(v) != 0 {
		t.Errorf("S9563 versions %+v: an action on the add date dates nothing new; want none", v)
	}
	if j := rows[1]; j.Kind != codeset.DrugKind || j.Dose == nil || j.Dose.Amount != 250 || len(j.Versions) != 1 {
		t.Errorf("J0696 = %s %+v %+v; want a drug of 250 mg with its descriptor dated 1997-01-01", j.Kind, j.Dose, j.Versions)
	}
	if b := rows[2]; b.Terminated == nil || b.Terminated.String() != "2016-12-31" {
		t.Errorf("B9000 terminated %v; want 2016-12-31", b.Terminated)
	}
}

func TestReadCurated_Errors(t *testing.T) {
	for name, text := range map[string]string{
		"header":   "code,kind\nS9500,per_diem\n",
		"kind":     header + "S9500,perdiem,a,b,2002-01-01,,,u\n",
		"date":     header + "S9500,per_diem,a,b,2002-13-01,,,u\n",
		"term":     header + "S9500,per_diem,a,b,2002-01-01,someday,,u\n",
		"columns":  header + "S9500,per_diem,a\n",
		"eff note": header + "S9500,per_diem,a,b,2002-01-01,,HCPCS action eff 2002-02-30,u\n",
	} {
		if _, err := ReadCurated(strings.NewReader(text)); err == nil {
			t.Errorf("%s: no error", name)
		} else if name != "header" && name != "columns" && !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%s: error %q does not name line 2", name, err)
		}
	}
}

func TestEncode_RejectsLineBreaks(t *testing.T) {
	err := Encode(&bytes.Buffer{}, 0, []codeset.Code{{Code: "S9500", Long: "two\tcolumns"}})
	if err == nil || !strings.Contains(err.Error(), "S9500") {
		t.Errorf("Encode of a tab in a descriptor: %v; want an error naming the code", err)
	}
}
