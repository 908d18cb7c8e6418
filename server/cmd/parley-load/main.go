// Command parley-load simulates Parley users against a loopback server and
// reports delivery latency, losses, HTTP latencies and server cost. With
// --start-server it runs a given parley binary itself on a fresh database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/parleychat/parley/server/loadsim"
	"github.com/parleychat/parley/server/loadsim/launch"
)

func main() {
	code, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-load:", err)
	}
	os.Exit(code)
}

// listFlag collects a repeated or comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// faultFlag collects repeated --fault values; a command may hold commas.
type faultFlag []loadsim.Fault

func (f *faultFlag) String() string { return fmt.Sprint(len(*f), " faults") }
func (f *faultFlag) Set(v string) error {
	ft, err := loadsim.ParseFault(v)
	if err != nil {
		return err
	}
	*f = append(*f, ft)
	return nil
}

// run returns the exit code: 0 pass, 1 the run missed an SLO or lost or
// duplicated a message, 2 the run could not take place.
func run(args []string) (int, error) {
	cfg := loadsim.Defaults()
	fs := flag.NewFlagSet("parley-load", flag.ContinueOnError)
	fs.StringVar(&cfg.Name, "name", cfg.Name, "scenario name shown in the reports")
	fs.StringVar(&cfg.Target, "target", cfg.Target, "base URL of the server or nginx (loopback only)")
	var metrics, sizes, serverEnv listFlag
	var pids string
	fs.Var(&metrics, "metrics", "Prometheus URLs to sample, comma-separated (default: <target>/metrics)")
	fs.StringVar(&pids, "server-pid", "", "pids of the server processes, comma-separated: CPU and RSS from /proc")
	fs.StringVar(&cfg.ServerPIDFiles, "server-pid-file", "", "glob of pid files of servers that may be restarted during the run, read every second: peak and mean server CPU of the failover report")
	var faults faultFlag
	fs.Var(&faults, "fault", "<time>:<command>: run the command with bash that long after the steady phase starts, repeatable; faults run one after the other and the run reports how sockets recovered")
	fs.IntVar(&cfg.ChattyUsers, "chatty-users", 0, `mixed: how many users post at --msg-rate (all together); the rest follow the model`)
	fs.Float64Var(&cfg.OwnReads, "own-reads", 0, "share of acks (0 to 1) after which the sender reads the room's history and must find its message")
	fs.IntVar(&cfg.Users, "users", cfg.Users, "simulated users (the first step with --max-users)")
	fs.Float64Var(&cfg.RampRate, "ramp", cfg.RampRate, "users started per second")
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "steady phase after the ramp")
	fs.DurationVar(&cfg.MaxTime, "max-time", 0, "hard bound on the whole run (default: from ramp and duration)")
	fs.DurationVar(&cfg.Drain, "drain", cfg.Drain, "time allowed for outstanding acks at the end")
	fs.StringVar(&cfg.Profile, "profile", cfg.Profile, `"model" (Mattermost-like actions), "chatty" (fixed post rate) or "mixed" (--chatty-users chatty, the rest model)`)
	fs.Float64Var(&cfg.RateFactor, "rate-factor", cfg.RateFactor, "model: multiply every user's action rate")
	fs.Float64Var(&cfg.ChattyRate, "msg-rate", cfg.ChattyRate, "chatty: messages per second from all users")
	fs.Float64Var(&cfg.ChattyReconnects, "reconnect-rate", cfg.ChattyReconnects, "chatty: sockets dropped on purpose per second, across all users (each reconnects and resumes)")
	fs.Var(&sizes, "rooms", "room sizes, comma-separated; every user joins one room of each (default 5,50,500)")
	fs.IntVar(&cfg.BodySize, "body-size", cfg.BodySize, "bytes per message body")
	fs.StringVar(&cfg.UserPrefix, "user-prefix", cfg.UserPrefix, "username prefix; existing accounts are reused")
	fs.StringVar(&cfg.Password, "password", cfg.Password, "password of the simulated accounts")
	fs.IntVar(&cfg.SourceNets, "source-nets", cfg.SourceNets, "spread client addresses over 127.0.1.1 … 127.0.N.1 (for nginx ip_hash)")
	fs.DurationVar(&cfg.Progress, "progress", cfg.Progress, "interval of progress lines")
	fs.DurationVar(&cfg.ProfileCPU, "pprof", 0, "take a server CPU profile of this length at the start of the steady phase")
	fs.StringVar(&cfg.PprofURL, "pprof-url", "", "the server's admin listener (PARLEY_ADMIN_ADDR) for --pprof, e.g. http://127.0.0.1:9090; --start-server sets it")
	fs.DurationVar(&cfg.SLO.DeliveryP99, "slo-delivery-p99", cfg.SLO.DeliveryP99, "SLO: p99 delivery latency (0: unchecked)")
	fs.DurationVar(&cfg.SLO.SurvivorP99, "slo-survivor-p99", cfg.SLO.SurvivorP99, "SLO, failover runs: p99 delivery latency of the sockets that never dropped (0: unchecked)")
	fs.DurationVar(&cfg.SLO.HTTPP99, "slo-http-p99", cfg.SLO.HTTPP99, "SLO: p99 HTTP latency (0: unchecked)")
	fs.Float64Var(&cfg.SLO.HTTPErrorRate, "slo-error-rate", cfg.SLO.HTTPErrorRate, "SLO: failed HTTP requests / requests")
	fs.DurationVar(&cfg.Soak.Every, "soak-every", 0, "soak: sample server RSS and goroutines this often over the steady phase and judge their slope (0: off)")
	fs.DurationVar(&cfg.Soak.Warmup, "soak-warmup", cfg.Soak.Warmup, "soak: steady time left out of the slope")
	fs.Float64Var(&cfg.Soak.RSSSlopeMB, "soak-rss-slope", cfg.Soak.RSSSlopeMB, "soak: limit on server RSS growth, MB per minute")
	fs.Float64Var(&cfg.Soak.GoroutineSlope, "soak-goroutine-slope", cfg.Soak.GoroutineSlope, "soak: limit on goroutine growth per minute")
	fs.BoolVar(&cfg.Search, "max-users", false, "search mode: add --step users every --step-every while the SLOs hold")
	fs.IntVar(&cfg.Step, "step", cfg.Step, "search: users added per step")
	fs.DurationVar(&cfg.StepEvery, "step-every", cfg.StepEvery, "search: measured time per step")
	fs.IntVar(&cfg.SearchLimit, "search-limit", cfg.SearchLimit, "search: never go above this many users")
	storm := fs.Bool("storm", false, "storm mode: --users sign up and connect at --ramp per second while --residents chat; reports refusals per second and time until all are ready")
	fs.IntVar(&cfg.StormResidents, "residents", cfg.StormResidents, "storm: users connected before the storm, whose delivery latency is measured during it")
	fs.Float64Var(&cfg.StormMsgRate, "resident-msg-rate", cfg.StormMsgRate, "storm: messages per second the residents send, all together")
	fs.DurationVar(&cfg.Reactions.At, "reactions-at", 0, "reaction storm: this long into the steady phase, every user of the largest room reacts once to one message (0: no storm; at least 12s)")
	fs.DurationVar(&cfg.Reactions.Spread, "reactions-spread", time.Second, "reaction storm: the reactions are spread evenly over this long")
	out := fs.String("out", "", "directory for result.json, summary.md, latency.svg (default .data/loadtest/<name>-<time>)")
	startServer := fs.String("start-server", "", "path of a parley binary to run on a fresh database for this run")
	adminURL := fs.String("admin-url", "", "PostgreSQL URL allowed to create databases (default: DATABASE_URL's server, else local)")
	fs.Var(&serverEnv, "server-env", "KEY=VALUE for the started server, repeatable")
	if err := fs.Parse(args); err != nil {
		return 2, nil
	}
	if len(sizes) > 0 {
		cfg.RoomSizes = nil
		for _, s := range sizes {
			n, err := strconv.Atoi(s)
			if err != nil {
				return 2, fmt.Errorf("--rooms: %q is not a number", s)
			}
			cfg.RoomSizes = append(cfg.RoomSizes, n)
		}
	}
	cfg.MetricsURLs = metrics
	cfg.Faults = faults
	for _, p := range strings.Split(pids, ",") {
		if p = strings.TrimSpace(p); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil {
				return 2, fmt.Errorf("--server-pid: %q is not a pid", p)
			}
			cfg.ServerPIDs = append(cfg.ServerPIDs, n)
		}
	}
	if *out == "" {
		*out = filepath.Join(".data", "loadtest", cfg.Name+"-"+time.Now().UTC().Format("20060102-150405"))
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return 2, err
	}
	cfg.Log = os.Stdout

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *startServer != "" {
		srv, err := launch.Start(ctx, launch.Options{
			Binary: *startServer, AdminURL: adminFrom(*adminURL), Env: serverEnv,
			LogPath: filepath.Join(*out, "server.log"),
		})
		if err != nil {
			return 2, err
		}
		defer func() {
			if err := srv.Stop(context.Background()); err != nil {
				fmt.Fprintln(os.Stderr, "parley-load:", err)
			}
		}()
		cfg.Target = srv.URL
		cfg.ServerPIDs = []int{srv.PID}
		cfg.PprofURL = srv.PprofURL
		if len(cfg.MetricsURLs) == 0 && srv.PprofURL != "" {
			// /metrics lives on the admin listener, beside pprof.
			cfg.MetricsURLs = []string{srv.PprofURL + "/metrics"}
		}
		fmt.Printf("started %s at %s (pid %d, database %s)\n", *startServer, srv.URL, srv.PID, srv.Database)
	}

	if *storm {
		return runStorm(ctx, cfg, *out)
	}
	res, err := loadsim.Run(ctx, cfg)
	if err != nil {
		return 2, err
	}
	if err := res.WriteFiles(*out); err != nil {
		return 2, err
	}
	fmt.Print("\n", loadsim.TableHeader, res.Row())
	if f := res.Failover; f != nil {
		fmt.Print("\n", res.FailoverSummary())
		if len(f.FaultErrors) > 0 {
			// The disturbance did not happen as planned: the counts say
			// nothing about it.
			return 2, errors.New("faults failed: " + strings.Join(f.FaultErrors, "; "))
		}
	}
	fmt.Printf("\nresults in %s\n", *out)
	if !res.Pass {
		return 1, errors.New("FAIL: " + strings.Join(res.Failures, "; "))
	}
	fmt.Println("PASS")
	return 0, nil
}

// runStorm runs the storm mode and writes storm.json and storm.md.
func runStorm(ctx context.Context, cfg loadsim.Config, out string) (int, error) {
	res, err := loadsim.RunStorm(ctx, cfg)
	if err != nil {
		return 2, err
	}
	if err := res.WriteFiles(out); err != nil {
		return 2, err
	}
	fmt.Printf("\n%s\nresults in %s\n", res.Summary(), out)
	if !res.Pass {
		return 1, errors.New("FAIL: " + strings.Join(res.Failures, "; "))
	}
	fmt.Println("PASS")
	return 0, nil
}

// adminFrom picks the PostgreSQL server for --start-server: the flag, else
// DATABASE_URL's server with its maintenance database, else the local one.
func adminFrom(flagURL string) string {
	if flagURL != "" {
		return flagURL
	}
	if env := os.Getenv("DATABASE_URL"); env != "" {
		if u, err := url.Parse(env); err == nil && u.Host != "" {
			u.Path = "/postgres"
			return u.String()
		}
	}
	return launch.DefaultAdminURL
}
