package loadsim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fasthttp/websocket"
)

// runner holds the shared state of one run.
type runner struct {
	cfg     Config
	tag     string // makes client ids unique across runs
	ledger  *Ledger
	http    *HTTPStats
	ws      WSStats
	dir     *roomDir
	clients []*http.Client
	dialers []*websocket.Dialer
	sampler *sampler
	book    *recoveryBook
	own     *ownReads

	sockCtx context.Context // lives until the final resume is done
	steady  chan struct{}   // closed when the first ramp is over
	sockets sync.WaitGroup  // socket goroutines
	actions sync.WaitGroup  // setup and action goroutines

	mu          sync.Mutex
	users       []*user
	peers       []int64
	setupFailed int
	setupErrs   []string
	ready       int
	actionErrs  atomic.Int64
}

// Run performs one run and returns what it measured. The error is for
// runs that could not take place (bad configuration, unreachable target);
// a run that took place but missed its SLOs returns a Result with Pass
// false.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	raiseFileLimit()
	ctx, cancel := context.WithTimeout(ctx, cfg.MaxTime)
	defer cancel()

	r := newRunner(cfg)
	if err := waitReady(ctx, r.clients[0], cfg.Target); err != nil {
		return nil, err
	}
	owner := &api{base: cfg.Target, client: r.clients[0], stats: r.http, retry: browserRetry}
	ou := &user{name: cfg.UserPrefix + "-owner", api: owner, r: r}
	if err := ou.signIn(ctx); err != nil {
		return nil, fmt.Errorf("owner account: %w", err)
	}
	dir, err := newRoomDir(ctx, owner, cfg.UserPrefix)
	if err != nil {
		return nil, err
	}
	r.dir = dir
	return r.execute(ctx)
}

// newRunner builds a run's shared state: one HTTP client and WebSocket
// dialer per source network, the ledger and the statistics.
func newRunner(cfg Config) *runner {
	nets := max(cfg.SourceNets, 1)
	r := &runner{
		cfg:    cfg,
		tag:    strconv.FormatInt(time.Now().UnixNano()%1e9, 36),
		ledger: NewLedger(),
		http:   NewHTTPStats(),
		steady: make(chan struct{}),
		book:   newRecoveryBook(),
	}
	if cfg.OwnReads > 0 {
		r.own = newOwnReads(cfg.OwnReads)
	}
	for i := range nets {
		n := 0
		if cfg.SourceNets > 0 {
			n = i + 1
		}
		r.clients = append(r.clients, newHTTPClient(n))
		d := dialerFor(n)
		r.dialers = append(r.dialers, &websocket.Dialer{
			NetDialContext:   d.DialContext,
			HandshakeTimeout: 15 * time.Second,
			ReadBufferSize:   2048,
			WriteBufferSize:  1024,
		})
	}
	r.sampler = &sampler{urls: cfg.MetricsURLs, pids: cfg.ServerPIDs, client: &http.Client{Timeout: 5 * time.Second}}
	return r
}

func waitReady(ctx context.Context, c *http.Client, target string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, target+"/readyz", nil)
		if err != nil {
			return fmt.Errorf("readyz: %w", err)
		}
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
			return fmt.Errorf("target %s not ready after 30s: %w", target, err)
		}
		if !sleepCtx(ctx, 250*time.Millisecond) {
			return ctx.Err()
		}
	}
}

// raiseFileLimit lifts the soft limit on open files to the hard one:
// every simulated user holds a socket.
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}

func (r *runner) wsDialer(i int) *websocket.Dialer { return r.dialers[i%len(r.dialers)] }

func (r *runner) actionError(action string, err error) {
	if r.actionErrs.Add(1) <= 5 {
		fmt.Fprintf(r.cfg.Log, "action %s: %v\n", action, err)
	}
}

func (r *runner) randomPeer(self int64) (int64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.peers) < 2 {
		return 0, false
	}
	for {
		p := r.peers[rand.IntN(len(r.peers))]
		if p != self {
			return p, true
		}
	}
}

// startUsers starts users from, from+1, … to-1 at the configured rate and
// returns when the last one has finished its setup.
func (r *runner) startUsers(ctx, actCtx context.Context, from, to int) {
	interval := time.Duration(float64(time.Second) / r.cfg.RampRate)
	next := time.Now()
	var setups sync.WaitGroup
	for i := from; i < to; i++ {
		if d := time.Until(next); d > 0 && !sleepCtx(ctx, d) {
			break
		}
		next = next.Add(interval)
		u := &user{
			idx: i, name: r.cfg.UserPrefix + strconv.Itoa(i), r: r,
			api:   &api{base: r.cfg.Target, client: r.clients[i%len(r.clients)], stats: r.http, retry: browserRetry},
			recv:  r.ledger.NewReceiver(),
			etags: make(map[string]string),
		}
		setups.Add(1)
		r.actions.Add(1)
		go func() {
			defer r.actions.Done()
			err := u.setup(ctx)
			r.mu.Lock()
			r.users = append(r.users, u)
			if err != nil {
				r.setupFailed++
				if len(r.setupErrs) < 5 && ctx.Err() == nil {
					r.setupErrs = append(r.setupErrs, err.Error())
				}
			} else {
				r.ready++
				r.peers = append(r.peers, u.id)
			}
			r.mu.Unlock()
			setups.Done()
			if err != nil {
				if u.sock != nil {
					u.sock.final.Store(true)
					u.sock.kick()
				}
				return
			}
			u.act(actCtx)
		}()
	}
	setups.Wait()
}

// chattyUsers is how many users post at the chatty rate.
func (c *Config) chattyUsers() int {
	switch c.Profile {
	case ProfileChatty:
		return c.Users
	case ProfileMixed:
		return c.ChattyUsers
	}
	return 0
}

func (u *user) act(ctx context.Context) {
	if u.idx < u.r.cfg.chattyUsers() {
		// Fan-out is measured at full strength: nobody posts while the
		// population is still signing up.
		select {
		case <-u.r.steady:
		case <-ctx.Done():
			return
		}
		n := float64(u.r.cfg.chattyUsers())
		per := n / u.r.cfg.ChattyRate
		var reconnectEvery time.Duration
		if rate := u.r.cfg.ChattyReconnects; rate > 0 {
			reconnectEvery = time.Duration(n / rate * float64(time.Second))
		}
		u.runChatty(ctx, time.Duration(per*float64(time.Second)), reconnectEvery)
		return
	}
	u.runModel(ctx)
}

// errNoUsers says the run ended before any user could start.
var errNoUsers = errors.New("no user was started")
