// Package clustertest checks Parley's cluster deployment from the outside:
// the nginx template and its renderer, docker-compose.yml and the Dockerfile,
// and N real parley replicas started by scripts/cluster behind nginx, with
// clients spread over several /24s of 127.0.0.0/8 so that ip_hash sends them
// to different replicas. It holds tests only.
package clustertest
