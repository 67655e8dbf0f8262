/**
 * Per-inode extent maps: which device blocks hold which file blocks, in state WRITTEN or
 * UNWRITTEN, over the extents tree (owner 3), and the per-inode extent sequence numbers that
 * tell a cached mapping it is stale (DESIGN invariant 1).
 *
 * <ul>
 *   <li>{@link dev.foliofs.extent.Extent}: the value (holes are extents with no device block).</li>
 *   <li>{@link dev.foliofs.extent.ExtentMap}: lookup, insert, unmap, convert; merging adjacent
 *       extents; the on-disk record format.</li>
 *   <li>{@link dev.foliofs.extent.ExtentSequence}: the in-memory sequence numbers, drawn from
 *       one counter per mount so no number is reused.</li>
 * </ul>
 * Callers hold the inode's ilock and run inside {@code Volume.update} or {@code Volume.read}.
 */
package dev.foliofs.extent;
