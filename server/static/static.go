// Package static serves the embedded production build of the browser
// application: precompressed variants chosen by Accept-Encoding, strong
// ETags computed once from content, and cache headers by kind of file.
package static

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"strings"
)

// Options tune a Handler. The zero value suits a Vite build.
type Options struct {
	// ImmutableDir is the build folder whose file names carry a content
	// hash, served as cacheable for a year; defaults to "assets".
	ImmutableDir string
	// Index is the SPA's HTML shell, left to the pages package to serve
	// (it wraps it with security headers and server-rendered markup);
	// defaults to "index.html".
	Index  string
	Logger *slog.Logger
}

// Handler serves a build from memory. It is immutable after New and safe
// for concurrent use.
type Handler struct {
	// files maps a URL path ("/assets/app-1a2b.js") to what to send.
	files     map[string]*file
	immutable string // "/assets/"
	index     []byte
	log       *slog.Logger
}

type file struct {
	contentType  []byte
	cacheControl []byte
	variants     [numVariants]*variant
	available    [numVariants]bool
}

type variant struct {
	body     []byte
	etag     []byte // quoted
	encoding []byte // empty for identity
}

var (
	cacheImmutable  = []byte("public, max-age=31536000, immutable")
	cacheRevalidate = []byte("no-cache")
	encodingNames   = [numVariants]string{identity: "", brotliEnc: "br", gzipEnc: "gzip"}
	siblingExts     = [numVariants]string{identity: "", brotliEnc: ".br", gzipEnc: ".gz"}
)

// New reads every file of dist once and prepares its answers. A dist with
// no files (the committed placeholder alone) gives a Handler that serves
// nothing and reports HasSPA false.
func New(dist fs.FS, o Options) (*Handler, error) {
	if o.ImmutableDir == "" {
		o.ImmutableDir = "assets"
	}
	if o.Index == "" {
		o.Index = "index.html"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	h := &Handler{
		files:     make(map[string]*file),
		immutable: "/" + strings.Trim(o.ImmutableDir, "/") + "/",
		log:       o.Logger,
	}
	contents := make(map[string][]byte)
	err := fs.WalkDir(dist, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// Dot files and folders (the placeholder, the bundler's manifest in
		// .vite/) are build bookkeeping, not part of the site.
		if name != "." && strings.HasPrefix(path.Base(name), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		b, err := fs.ReadFile(dist, name)
		if err != nil {
			return err
		}
		contents[name] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: read build: %w", err)
	}
	for name, body := range contents {
		if isSibling(name, contents) {
			continue
		}
		if name == o.Index {
			h.index = body
			continue
		}
		f := &file{contentType: []byte(contentType(name))}
		urlPath := "/" + name
		if strings.HasPrefix(urlPath, h.immutable) {
			f.cacheControl = cacheImmutable
		} else {
			f.cacheControl = cacheRevalidate
		}
		for v := range numVariants {
			b, ok := contents[name+siblingExts[v]]
			if !ok {
				continue
			}
			f.variants[v] = &variant{body: b, etag: etagOf(b, v), encoding: []byte(encodingNames[v])}
			f.available[v] = true
		}
		h.files[urlPath] = f
	}
	return h, nil
}

// isSibling tells a precompressed copy from a file of its own: a ".br" or
// ".gz" whose uncompressed original is in the build too.
func isSibling(name string, contents map[string][]byte) bool {
	for _, ext := range siblingExts[1:] {
		if base, ok := strings.CutSuffix(name, ext); ok {
			if _, exists := contents[base]; exists {
				return true
			}
		}
	}
	return false
}

// etagOf hashes a variant's own bytes, so each representation has its own
// strong validator; the suffix keeps them distinct even for equal bytes.
func etagOf(b []byte, v int) []byte {
	sum := sha256.Sum256(b)
	tag := `"` + base64.RawURLEncoding.EncodeToString(sum[:12])
	if v != identity {
		tag += "-" + encodingNames[v]
	}
	return []byte(tag + `"`)
}

// HasSPA reports whether the build holds the SPA's HTML shell.
func (h *Handler) HasSPA() bool { return h.index != nil }

// IndexHTML returns the SPA's HTML shell, or nil without a build. The
// caller must not modify it.
func (h *Handler) IndexHTML() []byte { return h.index }

// Len is the number of files served (siblings and the shell not counted).
func (h *Handler) Len() int { return len(h.files) }
