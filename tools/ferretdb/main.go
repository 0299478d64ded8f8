// Command ferretdb-lite runs FerretDB v1 with its SQLite backend inside our own main package.
// `go install` of FerretDB's own command panics at start because its version file is generated
// at release time and not part of the module, so we embed the library instead (DESIGN section 7).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("data", "./data", "directory for the SQLite files")
	level := flag.String("log-level", "warn", "debug, info, warn or error")
	// FerretDB's PostgreSQL backend pushes filters down to PostgreSQL (its indexes are used);
	// the SQLite one scans every document of a collection on each find (DESIGN section 7).
	pgURL := flag.String("postgresql-url", "", "use the PostgreSQL backend at this URL instead of SQLite (-data is then unused)")
	flag.Parse()

	abs, err := filepath.Abs(*dir)
	if err != nil {
		log.Fatal(err)
	}
	// The SQLite backend refuses a directory that does not exist.
	if err := os.MkdirAll(abs, 0o755); err != nil {
		log.Fatal(err)
	}
	url := "file:" + abs
	if !strings.HasSuffix(url, "/") {
		url += "/" // FerretDB requires the URL to end with a slash
	}

	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		log.Fatal(err)
	}
	// Every connection is logged at info level; that drowns test output, so warn is the default.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))

	// FerretDB itself listens on a loopback port of its own; clients reach it through the proxy
	// on -listen, which makes single-document updates atomic (see serialize.go).
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	innerAddr := inner.Addr().String()
	inner.Close()
	outer, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}

	cfg := &ferretdb.Config{
		Logger:    logger,
		Listener:  ferretdb.ListenerConfig{TCP: innerAddr},
		Handler:   "sqlite",
		SQLiteURL: url,
	}
	if *pgURL != "" {
		cfg.Handler = "postgresql"
		cfg.PostgreSQLURL = *pgURL
		cfg.SQLiteURL = ""
	}
	f, err := ferretdb.New(cfg)
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go serve(outer, innerAddr, logger)
	go func() {
		<-ctx.Done()
		outer.Close()
	}()
	where := "data in " + abs
	if *pgURL != "" {
		where = "backend postgresql"
	}
	fmt.Fprintf(os.Stderr, "ferretdb-lite listening on %s, %s\n", *addr, where)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
