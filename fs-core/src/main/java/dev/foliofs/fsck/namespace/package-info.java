/**
 * fsck's namespace checks: link counts against directory entries, directory structure,
 * orphans, and extents against the data area, free space and each other
 * ({@link dev.foliofs.fsck.namespace.NamespaceCheck}).
 */
package dev.foliofs.fsck.namespace;
