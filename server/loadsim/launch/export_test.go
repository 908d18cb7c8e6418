package launch

// Internals opened to the external tests of this package.
var DropKeys = dropKeys
