package store

// A server may remember who a bearer token or a session acts for, for a
// moment, instead of asking the database on every request. What this
// process commits that ends or narrows a user's credentials (a token
// revoked, a session ended, a role changed, a user disabled) is told to
// the functions given to WatchCredentials once it is committed, so such a
// memory can forget that user's credentials at once; another process on
// the same database tells nothing, so its changes reach such a memory only
// when the memory lapses.

// WatchCredentials has f called with the users whose credentials a
// transaction of db ended or narrowed, after it commits and before its Do
// returns; f must be quick and must not use db.
func (db *DB) WatchCredentials(f func(userIDs []string)) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.watchers = append(db.watchers, f)
}

// narrowed notes that tx ends or narrows userID's credentials.
func (tx *Tx) narrowed(userID string) { tx.credentials = append(tx.credentials, userID) }

// credentialsChanged tells the watchers of the users a committed
// transaction narrowed the credentials of.
func (db *DB) credentialsChanged(userIDs []string) {
	if len(userIDs) == 0 {
		return
	}
	db.mu.Lock()
	ws := db.watchers
	db.mu.Unlock()
	for _, f := range ws {
		f(userIDs)
	}
}
