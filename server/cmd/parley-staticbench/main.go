// Command parley-staticbench serves a build directory through the static
// handler alone, on a minimal Fiber app, so that its throughput can be
// compared with nginx's brotli_static on the same files (see
// docs/perf/static.md):
//
//	go run ./server/cmd/parley-staticbench -addr 127.0.0.1:8089 -dir assets/dist
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/parleychat/parley/server/static"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8089", "listen address")
	dir := flag.String("dir", "assets/dist", "build directory to serve")
	wbuf := flag.Int("write-buffer", 0, "per-connection write buffer in bytes (0: Fiber's default of 4096)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "parley-staticbench:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "parley-staticbench:", err)
			os.Exit(1)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if err := run(*addr, *dir, *wbuf); err != nil {
		fmt.Fprintln(os.Stderr, "parley-staticbench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(addr, dir string, writeBuffer int) error {
	h, err := static.New(os.DirFS(dir), static.Options{})
	if err != nil {
		return err
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true, WriteBufferSize: writeBuffer})
	h.Register(app)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- app.Listen(addr) }()
	fmt.Printf("parley-staticbench: serving %d files of %s on %s\n", h.Len(), dir, addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return app.ShutdownWithTimeout(5 * time.Second)
	}
}
