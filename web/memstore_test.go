package web_test

import (
	"context"
	"net/http"
	"sync"

	"github.com/perdiem/perdiem/errs"
	"github.com/perdiem/perdiem/web"
)

// memStore keeps episodes in memory with every version, for the pages'
// tests that need no database.
type memStore struct {
	mu       sync.Mutex
	episodes map[string][]web.Episode // every version, oldest first
}

func newMemStore(eps ...*web.Episode) *memStore {
	s := &memStore{episodes: map[string][]web.Episode{}}
	for _, e := range eps {
		s.episodes[e.ID] = append(s.episodes[e.ID], *e)
	}
	return s
}

func (s *memStore) Episode(_ context.Context, id string) (*web.Episode, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs := s.episodes[id]
	if len(vs) == 0 {
		return nil, errs.Errorf(errs.NotFound, "episode %s not found", id)
	}
	e := vs[len(vs)-1]
	return &e, nil
}

func (s *memStore) SaveEpisode(_ context.Context, id string, base int, doc []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs := s.episodes[id]
	if len(vs) == 0 {
		return 0, errs.Errorf(errs.NotFound, "episode %s not found", id)
	}
	last := vs[len(vs)-1]
	if last.Version != base {
		return 0, errs.Errorf(errs.Conflict, "episode %s is at version %d, not %d: someone saved it meanwhile", id, last.Version, base)
	}
	last.Version++
	last.Document = append([]byte(nil), doc...)
	s.episodes[id] = append(vs, last)
	return last.Version, nil
}

// fakeAuth signs in the users it is given, by a cookie holding the name:
// enough to test the pages' roles and forms without the server.
type fakeAuth map[string]struct{ password, role string }

func (a fakeAuth) User(r *http.Request) *web.User {
	c, err := r.Cookie("fake_session")
	if err != nil {
		return nil
	}
	u, ok := a[c.Value]
	if !ok {
		return nil
	}
	return &web.User{Name: c.Value, Role: u.role, CSRF: "csrf-" + c.Value}
}

func (a fakeAuth) SignIn(w http.ResponseWriter, r *http.Request, name, password string) error {
	if u, ok := a[name]; !ok || u.password != password {
		return errs.Errorf(errs.Invalid, "wrong name or password")
	}
	http.SetCookie(w, &http.Cookie{Name: "fake_session", Value: name, Path: "/", HttpOnly: true})
	return nil
}

func (a fakeAuth) SignOut(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, &http.Cookie{Name: "fake_session", Value: "", Path: "/", MaxAge: -1})
	return nil
}

var testUsers = fakeAuth{"bea": {"biller-pw", "biller"}, "abe": {"auditor-pw", "auditor"}}
