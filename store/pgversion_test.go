package store

import (
	"strings"
	"testing"

	"github.com/perdiem/perdiem/errs"
)

func TestPostgresVersion(t *testing.T) {
	for _, c := range []struct {
		num     int
		version string
		ok      bool
	}{
		{90624, "9.6.24", false},
		{110022, "11.22", false},
		{120000, "12.0", true},
		{150010, "15.10 (Debian 15.10-0+deb12u1)", true},
		{180001, "18.1", true},
	} {
		err := postgresVersionOK(c.num, c.version)
		if c.ok {
			if err != nil {
				t.Errorf("%s: %v", c.version, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: accepted, want refused", c.version)
			continue
		}
		if errs.CodeOf(err) != errs.Invalid {
			t.Errorf("%s: code %q, want invalid", c.version, errs.CodeOf(err))
		}
		msg := err.Error()
		if !strings.Contains(msg, "PostgreSQL "+c.version+" ") || !strings.Contains(msg, "needs PostgreSQL 12 or newer") {
			t.Errorf("%s: message %q does not name the version found and the one needed", c.version, msg)
		}
	}
}
