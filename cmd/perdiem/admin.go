package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/perdiem/perdiem/auth"
	"github.com/perdiem/perdiem/ctlnum"
	"github.com/perdiem/perdiem/store"
)

func init() {
	register(command{
		name:  "admin",
		usage: "admin create-user|create-token|verify-audit|seed-control --db DB ...",
		summary: `Manage the accounts of perdiem serve and check its audit log.

  perdiem admin create-user --db DB --name N --role admin|biller|auditor
      makes an account; its password is the first line of standard input
      (never an argument, which others could read), at least 12 characters
  perdiem admin create-token --db DB --user N [--name WHAT]
      makes a bearer token for the account N and prints it, this once: only
      its hash is stored
  perdiem admin verify-audit --db DB
      walks the audit log's hash chain and says whether it is whole, or the
      first entry that was changed; exit status 1 when it is broken
  perdiem admin seed-control --db DB [--state FILE]
      makes the server's control number counter continue after the last
      number the command line handed out (its state file: --state, else
      $PERDIEM_STATE, else the user's state directory), so an interchange
      sent by the server never reuses one sent by 'perdiem claim'; it never
      moves the counter back

--db is the server's database: an SQLite file (default perdiem.db) or a
postgres:// URL.`,
		run: runAdmin,
	})
}

func runAdmin(e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "perdiem admin: want create-user, create-token, verify-audit or seed-control")
		return exitInput
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	setUsage(fs)
	dsn := fs.String("db", "perdiem.db", "database")
	var name, role, user, what, state string
	switch sub {
	case "create-user":
		fs.StringVar(&name, "name", "", "account name")
		fs.StringVar(&role, "role", "", "admin, biller or auditor")
	case "create-token":
		fs.StringVar(&user, "user", "", "account name")
		fs.StringVar(&what, "name", "", "what the token is for")
	case "verify-audit":
	case "seed-control":
		fs.StringVar(&state, "state", "", "the command line's control number state file")
	default:
		fmt.Fprintf(e.stderr, "perdiem admin: unknown subcommand %q: want create-user, create-token, verify-audit or seed-control\n", sub)
		return exitInput
	}
	if err := fs.Parse(args); err != nil {
		return exitInput
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "perdiem admin %s: unexpected argument %q\n", sub, fs.Arg(0))
		return exitInput
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(e.stderr, "perdiem admin %s: "+format+"\n", append([]any{sub}, a...)...)
		return exitInput
	}
	var hash string
	switch sub {
	case "create-user":
		if name == "" {
			return fail("--name is required")
		}
		if _, err := auth.ParseRole(role); err != nil {
			return fail("--role %q: want admin, biller or auditor", role)
		}
		pw, err := readPassword(e)
		if err != nil {
			return fail("%v", err)
		}
		if hash, err = auth.HashPassword(pw); err != nil {
			return fail("%v", err)
		}
	case "create-token":
		if user == "" {
			return fail("--user is required")
		}
	}
	var last int64
	if sub == "seed-control" {
		path, _, err := statePath(state)
		if err != nil {
			return fail("%v", err)
		}
		if last, err = ctlnum.Last(path); err != nil {
			return fail("%v", err)
		}
	}
	ctx := context.Background()
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem admin %s: %v\n", sub, err)
		return exitFor(err)
	}
	defer db.Close()
	switch sub {
	case "create-user":
		var u store.User
		err = db.Do(ctx, store.System, func(tx *store.Tx) error {
			u, err = tx.CreateUser(name, role, hash)
			return err
		})
		if err == nil {
			fmt.Fprintf(e.stderr, "perdiem admin: user %s (%s) created with id %s\n", u.Name, u.Role, u.ID)
		}
	case "create-token":
		secret, th := auth.NewSecret(auth.TokenPrefix)
		err = db.Do(ctx, store.System, func(tx *store.Tx) error {
			u, _, err := tx.UserByName(user)
			if err != nil {
				return err
			}
			return tx.CreateToken(u.ID, what, th)
		})
		if err == nil {
			fmt.Fprintln(e.stdout, secret)
			fmt.Fprintf(e.stderr, "perdiem admin: a bearer token for %s; it is shown this once (only its hash is kept)\n", user)
		}
	case "verify-audit":
		rep, verr := db.VerifyAudit(ctx)
		if verr != nil {
			err = verr
			break
		}
		if !rep.OK() {
			fmt.Fprintf(e.stdout, "audit log broken at entry %d of chain %d: %s\n", rep.BrokenAt, rep.Chain, rep.Reason)
			return exitFindings
		}
		fmt.Fprintf(e.stdout, "audit log whole: %d entries in %d chains\n", rep.Entries, rep.Chains)
	case "seed-control":
		err = db.Do(ctx, store.System, func(tx *store.Tx) error { return tx.SeedControl(last) })
		if err == nil {
			var now int64
			if now, err = db.LastControl(ctx); err == nil {
				fmt.Fprintf(e.stdout, "the command line's last control number is %d; the server's next is %d\n", last, now+1)
			}
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "perdiem admin %s: %v\n", sub, err)
		return exitFor(err)
	}
	return exitOK
}

// readPassword reads the first line of standard input.
func readPassword(e *env) (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input: give it as the first line")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
