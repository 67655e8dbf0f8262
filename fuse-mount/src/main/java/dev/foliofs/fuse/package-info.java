/**
 * The FUSE edge: {@link dev.foliofs.fuse.FoliofsFuse} adapts jnr-fuse's path-based callbacks
 * (libfuse 2 high-level API) to the inode-number based {@link dev.foliofs.vfs.FileSystem}.
 *
 * <p>One class per concern: {@code PathResolver} (paths to inode numbers, NAME_MAX),
 * {@code OpenFiles} (the open-file table keyed by {@code fi.fh}), handlers for names,
 * attributes, open files, directories and extended attributes, {@code Callers} (credentials
 * from the FUSE context and /proc), {@code ErrnoEdge} (exceptions to {@code -errno}),
 * {@code NativeBuffers} (one-copy views of FUSE buffers) and {@code OpMetrics}.
 *
 * <p>Known limit of the libfuse 2 path API: with {@code hard_remove}, fstat(2) of a file that
 * has lost its last name fails with ENOENT, because the kernel sends GETATTR without a file
 * handle and libfuse finds no path for it. Reads, writes, ftruncate and close through the
 * descriptor keep working.
 */
package dev.foliofs.fuse;
