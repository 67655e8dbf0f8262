/**
 * Direct access (DAX): file data read and written in place in the device's memory-mapped
 * windows ({@link dev.foliofs.device.MappedWindows}), with no folio cache and no writeback.
 *
 * <ul>
 *   <li>{@link dev.foliofs.dax.DaxIo}: read(2)/write(2)/punch/truncate, driving the iomap
 *       iterator over {@link dev.foliofs.dax.DaxMappingOps}; every cached mapping is validated
 *       against the extent sequence number before a copy (invariant 1).</li>
 *   <li>{@link dev.foliofs.dax.DaxFaults}: the fault handler. Faults resolve a file page to a
 *       device block and install it in the inode's {@link dev.foliofs.dax.InstalledPages} (the
 *       analogue of page-table entries); read faults on holes install the shared zero page.
 *       The fault-locking protocol of DESIGN 1.2 (invariant 4): shared mmaplock, EAGAIN and an
 *       exclusive retry for a fault that must allocate, invalidation on every extent change.</li>
 *   <li>{@link dev.foliofs.dax.DaxMmap}: a process's view of a shared mapping (loads and stores
 *       that fault where nothing is installed).</li>
 *   <li>{@link dev.foliofs.dax.DaxFileData}: the data path the vfs selects for a DAX mount;
 *       {@link dev.foliofs.dax.VolumeDaxExtents} is the extent seam
 *       ({@link dev.foliofs.dax.DaxExtents}) over the volume.</li>
 *   <li>{@link dev.foliofs.dax.DaxProtection} and {@link dev.foliofs.dax.DaxHooks}: per-instance
 *       test switches and injection points for the deterministic race tests.</li>
 * </ul>
 *
 * <p>Lock order: iolock (vfs) → mmaplock → volume metadata lock → ilock. The mmaplock is held
 * shared for copies into allocated blocks and for installing pages, exclusive for allocation,
 * conversion, punch and truncate; never while waiting for another inode.
 */
package dev.foliofs.dax;
