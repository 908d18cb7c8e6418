// Package assets embeds the browser application so that one binary serves
// everything.
package assets

import (
	"embed"
	"io/fs"
)

// FS holds dist, the production build of the browser application with the
// .br and .gz siblings of its text files. A committed placeholder file keeps
// the package (and so the server) building before any frontend build exists.
//
//go:embed all:dist
var FS embed.FS

// Dist returns the build's files rooted at dist, as the static handler wants
// them.
func Dist() fs.FS {
	sub, err := fs.Sub(FS, "dist")
	if err != nil {
		// fs.Sub fails only on an invalid path name, and "dist" is valid.
		panic(err)
	}
	return sub
}
