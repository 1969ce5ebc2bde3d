package server

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
)

// startWorkers works the fixture's jobs until the test ends.
func (f *fixture) startWorkers(t *testing.T) {
	t.Helper()
	workers := river.NewWorkers()
	f.s.Workers(workers)
	client, err := f.db.NewJobClient(context.Background(), &river.Config{
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}}, Workers: workers, FetchCooldown: 20 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		client.Stop(ctx)
	})
}
