// Command parley-precompress writes brotli (quality 11) and gzip (level 9)
// siblings beside the text files of a production build, for the server to
// send as they are:
//
//	go run ./server/cmd/parley-precompress assets/dist
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/parleychat/parley/server/static/precompress"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: parley-precompress <build directory>")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	st, err := precompress.Dir(ctx, os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-precompress:", err)
		os.Exit(1)
	}
	fmt.Printf("parley-precompress: %s: %s in %s\n", os.Args[1], st, time.Since(start).Round(time.Millisecond))
}
