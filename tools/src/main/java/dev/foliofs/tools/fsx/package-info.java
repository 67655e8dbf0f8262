/**
 * An fsx-style exerciser: random operations on a file (reads, writes, mapped reads and writes,
 * truncate, fallocate in its modes, punch hole, zero range, fsync, close and reopen), each
 * checked against a shadow copy of the file, the {@link dev.foliofs.tools.fsx.FileModel}.
 * Deterministic for a seed. {@link dev.foliofs.tools.fsx.Exerciser} runs one file;
 * {@code foliofs fsx} runs one or several files in parallel.
 */
package dev.foliofs.tools.fsx;
