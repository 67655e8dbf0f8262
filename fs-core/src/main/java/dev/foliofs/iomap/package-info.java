/**
 * The mapping layer between files and the device: {@link dev.foliofs.iomap.Mapping} (what is at
 * a byte range: HOLE, DELALLOC, UNWRITTEN, WRITTEN, with a sequence cookie),
 * {@link dev.foliofs.iomap.MappingOps} (begin, end, valid), the one loop
 * {@link dev.foliofs.iomap.MappingIter} that every data path drives and that re-maps the rest of
 * a range when a mapping turns stale, and {@link dev.foliofs.iomap.ExtentMappingOps}, the
 * implementation over the extent map with delayed allocation and its space reservation.
 */
package dev.foliofs.iomap;
