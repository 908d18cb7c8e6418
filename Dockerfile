# syntax=docker/dockerfile:1
# Parley in three stages: the browser build, the Go build that embeds it, and
# a small runtime image holding only the static binary.
#
#   docker build -t parley .
#   docker compose up --build

# --- 1. Browser application: Vite build, then .br/.gz siblings -------------
FROM golang:1.26-bookworm AS go-toolchain

FROM node:22-bookworm-slim AS web
# `npm run build` precompresses with the project's Go tool (brotli quality 11
# and gzip, once, at build time), so this stage carries a Go toolchain too.
COPY --from=go-toolchain /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH CGO_ENABLED=0
WORKDIR /src
# Dependencies first, so that editing sources does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN npm run build

# --- 2. Server, embedding the build -------------------------------------------
FROM golang:1.26-bookworm AS server
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/assets/dist ./assets/dist
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/parley ./server/cmd/parley

# --- 3. Runtime --------------------------------------------------------------
FROM alpine:3.22
RUN apk add --no-cache ca-certificates tzdata \
 && adduser -D -H -u 10001 parley
COPY --from=server /out/parley /usr/local/bin/parley
USER parley
ENV PARLEY_ADDR=0.0.0.0:8080
EXPOSE 8080
# SIGTERM drains: WebSockets are closed with 1001 and clients resume
# elsewhere; give it longer than PARLEY_SHUTDOWN_TIMEOUT before SIGKILL.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["/usr/local/bin/parley"]
