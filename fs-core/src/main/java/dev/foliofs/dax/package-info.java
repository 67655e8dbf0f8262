/**
 * Direct access (DAX): file data read and written in place in the device's memory-mapped
 * windows, with no folio cache. {@link dev.foliofs.dax.DaxIo} copies for read(2)/write(2);
 * {@link dev.foliofs.dax.DaxFaults} resolves faults of a mapped file and installs pages in
 * the per-inode {@link dev.foliofs.dax.InstalledPages} table, under the fault-locking protocol
 * of DESIGN 1.2 (invariant 4) and with every cached mapping validated against the extent
 * sequence number before use (invariant 1). {@link dev.foliofs.dax.DaxExtents} is the seam to
 * the extent layer.
 */
package dev.foliofs.dax;
