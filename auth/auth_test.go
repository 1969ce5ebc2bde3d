package auth

import (
	"strings"
	"testing"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q: want argon2id with m=19456,t=2,p=1", h)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !CheckPassword("correct horse battery", h) || CheckPassword("correct horse batterz", h) || CheckPassword("", h) {
		t.Error("CheckPassword")
	}
	if CheckPassword("correct horse battery", "not a hash") {
		t.Error("a malformed hash matched")
	}
	for _, bad := range []string{"short", strings.Repeat("x", MaxPassword+1), "\xff\xfe invalid utf8 text"} {
		if _, err := HashPassword(bad); err == nil {
			t.Errorf("password %.20q accepted", bad)
		}
	}
}

func TestSecrets(t *testing.T) {
	a, ha := NewSecret(TokenPrefix)
	b, _ := NewSecret(TokenPrefix)
	if a == b || !HasPrefix(a, TokenPrefix) || HasPrefix(a, SessionPrefix) || HasPrefix(a+"x", TokenPrefix) {
		t.Errorf("secrets %q %q", a, b)
	}
	if string(HashSecret(a)) != string(ha) || len(ha) != 32 {
		t.Error("hash")
	}
}

func TestRoles(t *testing.T) {
	for _, tc := range []struct {
		role         Role
		write, admin bool
	}{{Admin, true, true}, {Biller, true, false}, {Auditor, false, false}} {
		if tc.role.CanWrite() != tc.write || tc.role.CanAdmin() != tc.admin {
			t.Errorf("%s: write %v admin %v", tc.role, tc.role.CanWrite(), tc.role.CanAdmin())
		}
		if r, err := ParseRole(string(tc.role)); err != nil || r != tc.role {
			t.Errorf("ParseRole(%s)", tc.role)
		}
	}
	if _, err := ParseRole("root"); err == nil {
		t.Error("root accepted")
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		HashPassword("correct horse battery")
	}
}
