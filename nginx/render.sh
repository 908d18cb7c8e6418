#!/bin/sh
# Renders nginx/nginx.conf (or the template given as $1) to stdout.
#
# POSIX sh and awk only, so it runs in the stock nginx container as well as
# from scripts/cluster. Settings come from the environment:
#
#   NGINX_UPSTREAMS    replicas as "host:port host:port ..." (required)
#   NGINX_LISTEN       listen address                 (default 127.0.0.1:8088)
#   NGINX_PREFIX       writable runtime directory     (required)
#   NGINX_STATIC_ROOT  directory holding assets/ on disk (default: none, so
#                      every asset request goes to a replica and its edge cache)
#   NGINX_WORKERS      worker_processes               (default auto)
#   NGINX_ERROR_LOG    error log target               (default $NGINX_PREFIX/error.log)
#   NGINX_ACCESS_LOG   access log file, or "off"      (default off)
#   NGINX_MAX_FAILS    passive health check failures  (default 2)
#   NGINX_FAIL_TIMEOUT how long a failed replica is skipped (default 10s)
#   NGINX_MODULES_DIR  where optional dynamic modules live
#                      (default /usr/lib/nginx/modules)
#   NGINX_BODY_LIMIT   largest request body in bytes (default
#                      $PARLEY_BODY_LIMIT, else 65536 like the replicas)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
template=${1:-$here/nginx.conf}

: "${NGINX_UPSTREAMS:?set NGINX_UPSTREAMS to the replicas, e.g. 127.0.0.1:8081 127.0.0.1:8082}"
: "${NGINX_PREFIX:?set NGINX_PREFIX to a writable directory}"
listen=${NGINX_LISTEN:-127.0.0.1:8088}
static_root=${NGINX_STATIC_ROOT:-$NGINX_PREFIX/no-static-root}
workers=${NGINX_WORKERS:-auto}
error_log=${NGINX_ERROR_LOG:-$NGINX_PREFIX/error.log}
access_log=${NGINX_ACCESS_LOG:-off}
max_fails=${NGINX_MAX_FAILS:-2}
fail_timeout=${NGINX_FAIL_TIMEOUT:-10s}
modules_dir=${NGINX_MODULES_DIR:-/usr/lib/nginx/modules}
body_limit=${NGINX_BODY_LIMIT:-${PARLEY_BODY_LIMIT:-65536}}
case $body_limit in
'' | *[!0-9]*)
	echo "render.sh: NGINX_BODY_LIMIT must be a number of bytes, got '$body_limit'" >&2
	exit 1
	;;
esac

# Ask for as many open files as this host allows (WebSockets are long-lived
# and each holds a client and an upstream socket), without exceeding it.
nofile=$(ulimit -Hn 2>/dev/null || echo 1024)
case $nofile in
unlimited) nofile=65536 ;;
*[!0-9]* | '') nofile=1024 ;;
esac
[ "$nofile" -gt 65536 ] && nofile=65536
connections=$nofile
[ "$connections" -gt 16384 ] && connections=16384

if [ "$access_log" != off ]; then
	access_log="$access_log parley"
fi

# brotli_static is optional: load it only when this host has it, so the same
# template works on a bare nginx too.
load_modules=""
brotli_static=""
if [ -f "$modules_dir/ngx_http_brotli_static_module.so" ]; then
	load_modules="load_module $modules_dir/ngx_http_brotli_static_module.so;"
	brotli_static="brotli_static on;"
fi

exec awk \
	-v upstreams="$NGINX_UPSTREAMS" \
	-v listen="$listen" \
	-v prefix="$NGINX_PREFIX" \
	-v static_root="$static_root" \
	-v workers="$workers" \
	-v nofile="$nofile" \
	-v connections="$connections" \
	-v error_log="$error_log" \
	-v access_log="$access_log" \
	-v max_fails="$max_fails" \
	-v fail_timeout="$fail_timeout" \
	-v body_limit="$body_limit" \
	-v load_modules="$load_modules" \
	-v brotli_static="$brotli_static" '
# Literal replacement: values are paths and addresses, never regexes.
function subst(s, key, val,    i, out) {
	out = ""
	while ((i = index(s, key)) > 0) {
		out = out substr(s, 1, i - 1) val
		s = substr(s, i + length(key))
	}
	return out s
}
function indent(s) {
	match(s, /^[ \t]*/)
	return substr(s, 1, RLENGTH)
}
# The header documents the placeholders: leave comments untouched.
/^[ \t]*#/ { print; next }
index($0, "{{UPSTREAMS}}") > 0 {
	n = split(upstreams, hosts, /[ \t\n,]+/)
	for (i = 1; i <= n; i++) {
		if (hosts[i] != "") {
			printf "%sserver %s max_fails=%s fail_timeout=%s;\n", indent($0), hosts[i], max_fails, fail_timeout
		}
	}
	next
}
{
	line = $0
	line = subst(line, "{{LOAD_MODULES}}", load_modules)
	line = subst(line, "{{BROTLI_STATIC}}", brotli_static)
	line = subst(line, "{{LISTEN}}", listen)
	line = subst(line, "{{PREFIX}}", prefix)
	line = subst(line, "{{STATIC_ROOT}}", static_root)
	line = subst(line, "{{WORKERS}}", workers)
	line = subst(line, "{{NOFILE}}", nofile)
	line = subst(line, "{{CONNECTIONS}}", connections)
	line = subst(line, "{{ERROR_LOG}}", error_log)
	line = subst(line, "{{ACCESS_LOG}}", access_log)
	line = subst(line, "{{BODY_LIMIT}}", body_limit)
	print line
}
' "$template"
