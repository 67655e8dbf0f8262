package dev.foliofs.dax;

import dev.foliofs.iomap.Intent;
import dev.foliofs.iomap.Mapping;
import dev.foliofs.iomap.MappingOps;

/**
 * The iomap view of the DAX extent seam, so that DAX read(2)/write(2) drive the same
 * {@link dev.foliofs.iomap.MappingIter} as the other data paths. Direct access has no delayed
 * allocation: {@link #begin} only looks, for every intent, and the copy path allocates under
 * the exclusive mmaplock itself. Mappings start at a block boundary (possibly before the
 * offset asked for) and carry the extent sequence number as their cookie.
 */
final class DaxMappingOps implements MappingOps {
    private final Dax dax;

    DaxMappingOps(Dax dax) {
        this.dax = dax;
    }

    @Override
    public Mapping begin(long ino, long offset, long length, Intent intent) {
        int bs = dax.blockSize();
        long first = offset / bs;
        long last = (offset + Math.max(length, 1) - 1) / bs;
        DaxMapping m = dax.extents().map(ino, first, last - first + 1);
        Mapping.Type type = switch (m.state()) {
            case HOLE -> Mapping.Type.HOLE;
            case UNWRITTEN -> Mapping.Type.UNWRITTEN;
            case WRITTEN -> Mapping.Type.WRITTEN;
        };
        long address = m.allocated() ? m.deviceBlock() * bs : Mapping.NO_ADDRESS;
        return new Mapping(m.fileBlock() * bs, m.blocks() * bs, type, address, 0, m.sequence());
    }

    /** Current if the cookie equals the inode's extent sequence number; always true with the check off. */
    @Override
    public boolean valid(long ino, Mapping mapping) {
        return dax.valid(ino, mapping.sequence());
    }
}
