/**
 * Per-inode auxiliary records in the xattrs tree: extended attributes and symlink targets,
 * values split into chunks ({@link dev.foliofs.xattr.AuxRecords}); and the setxattr(2)
 * semantics of namespaces, flags and limits ({@link dev.foliofs.xattr.ExtendedAttributes}).
 */
package dev.foliofs.xattr;
