package valkeystore

// DefaultClientCacheBytes bounds the client-side cache of each Valkey
// connection. Decoded answers are kept in front of it anyway, so valkey-go's
// own default of 128 MiB per connection would mostly hold duplicates.
const DefaultClientCacheBytes = 32 << 20
