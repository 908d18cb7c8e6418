// Package migrations embeds Parley's numbered SQL migrations
// (NNN_name.sql) so that the binary carries its own schema. The package is
// not named sql to keep clear of database/sql.
package migrations

import "embed"

// FS holds every NNN_name.sql file of this folder.
//
//go:embed *.sql
var FS embed.FS
