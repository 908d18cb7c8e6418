// Package precompress writes brotli and gzip siblings beside the text files
// of a production build, so that the server never compresses per request.
package precompress

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/andybalholm/brotli"
	"golang.org/x/sync/errgroup"
)

// MinSize is the size under which a file is left alone: below about one
// TCP segment, compressing saves no round trip and costs a decode.
const MinSize = 1024

// Levels used for every file: the slowest and smallest of each format,
// affordable because the work is done once per build.
const (
	BrotliQuality = 11
	GzipLevel     = gzip.BestCompression
)

// textExts are the extensions worth compressing; images and fonts other
// than svg are already compressed.
var textExts = map[string]bool{
	".js": true, ".mjs": true, ".cjs": true, ".css": true, ".html": true, ".htm": true,
	".svg": true, ".json": true, ".webmanifest": true, ".txt": true, ".xml": true,
	".wasm": true, ".map": true, ".ico": true, ".csv": true, ".md": true,
}

// Compressible reports whether a file name has an extension worth
// precompressing.
func Compressible(name string) bool {
	return textExts[strings.ToLower(filepath.Ext(name))]
}

// Stats sums up one run.
type Stats struct {
	Files     int   // text files of at least MinSize
	Bytes     int64 // their total size
	BrFiles   int   // .br siblings written
	BrBytes   int64 // their total size
	GzFiles   int   // .gz siblings written
	GzBytes   int64 // their total size
	Unchanged int   // files whose every sibling was already up to date
}

// String is the one-line summary the command prints.
func (s Stats) String() string {
	return fmt.Sprintf("%d files, %d bytes: %d .br (%d bytes, %.1f%%), %d .gz (%d bytes, %.1f%%)",
		s.Files, s.Bytes, s.BrFiles, s.BrBytes, pct(s.BrBytes, s.Bytes), s.GzFiles, s.GzBytes, pct(s.GzBytes, s.Bytes))
}

func pct(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return 100 * float64(part) / float64(whole)
}

// Dir compresses every text file of at least MinSize under dir, in
// parallel. A sibling is kept only when smaller than its original, and a
// stale one that is not is removed, so the output depends on the input
// files alone.
func Dir(ctx context.Context, dir string) (Stats, error) {
	var names []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && Compressible(path) {
			names = append(names, path)
		}
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("precompress: walk %s: %w", dir, err)
	}
	sort.Strings(names)

	results := make([]fileStats, len(names))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, name := range names {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			fst, err := compressFile(name)
			if err != nil {
				return err
			}
			results[i] = fst
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return Stats{}, err
	}
	var st Stats
	for _, r := range results {
		if r.size < MinSize {
			continue
		}
		st.Files++
		st.Bytes += r.size
		if r.br > 0 {
			st.BrFiles++
			st.BrBytes += r.br
		}
		if r.gz > 0 {
			st.GzFiles++
			st.GzBytes += r.gz
		}
		if !r.changed {
			st.Unchanged++
		}
	}
	return st, nil
}

type fileStats struct {
	size, br, gz int64
	changed      bool
}

func compressFile(name string) (fileStats, error) {
	src, err := os.ReadFile(name)
	if err != nil {
		return fileStats{}, fmt.Errorf("precompress: read: %w", err)
	}
	fst := fileStats{size: int64(len(src))}
	encoders := []struct {
		ext string
		enc func(io.Writer) io.WriteCloser
		out *int64
	}{
		{".br", func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, BrotliQuality) }, &fst.br},
		{".gz", newGzip, &fst.gz},
	}
	for _, e := range encoders {
		var out []byte
		if len(src) >= MinSize {
			out, err = encode(src, e.enc)
			if err != nil {
				return fileStats{}, fmt.Errorf("precompress: %s%s: %w", name, e.ext, err)
			}
		}
		if out == nil || len(out) >= len(src) {
			// Worth nothing: make sure no sibling from an older build
			// remains to be served in its place.
			if err := os.Remove(name + e.ext); err == nil {
				fst.changed = true
			} else if !os.IsNotExist(err) {
				return fileStats{}, fmt.Errorf("precompress: remove stale sibling: %w", err)
			}
			continue
		}
		*e.out = int64(len(out))
		changed, err := writeIfDifferent(name+e.ext, out)
		if err != nil {
			return fileStats{}, err
		}
		fst.changed = fst.changed || changed
	}
	return fst, nil
}

// newGzip leaves the header's name and modification time empty so that the
// same input always gives the same bytes.
func newGzip(w io.Writer) io.WriteCloser {
	zw, _ := gzip.NewWriterLevel(w, GzipLevel) // the level is a valid constant
	return zw
}

func encode(src []byte, enc func(io.Writer) io.WriteCloser) ([]byte, error) {
	var buf bytes.Buffer
	w := enc(&buf)
	if _, err := w.Write(src); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeIfDifferent replaces name through a rename, so that a reader never
// sees half a file, and leaves an identical file untouched.
func writeIfDifferent(name string, data []byte) (bool, error) {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".precompress-*")
	if err != nil {
		return false, fmt.Errorf("precompress: create temp: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, fmt.Errorf("precompress: write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("precompress: close %s: %w", name, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return false, fmt.Errorf("precompress: chmod %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return false, fmt.Errorf("precompress: rename %s: %w", name, err)
	}
	return true, nil
}
