package dev.foliofs.dax;

import dev.foliofs.extent.ExtentMap;
import dev.foliofs.volume.testing.InMemoryVolume;

/** The production {@link VolumeDaxExtents} over an {@link InMemoryVolume}, for the DAX tests. */
final class VolumeTestExtents implements TestExtents {
    final InMemoryVolume volume;
    final ExtentMap map;
    final VolumeDaxExtents extents;

    VolumeTestExtents(InMemoryVolume volume) {
        this.volume = volume;
        this.map = new ExtentMap(volume.extents());
        this.extents = new VolumeDaxExtents(volume, map, ino -> null);
    }

    @Override
    public DaxMapping map(long ino, long fileBlock, long maxBlocks) {
        return extents.map(ino, fileBlock, maxBlocks);
    }

    @Override
    public long sequence(long ino) {
        return extents.sequence(ino);
    }

    @Override
    public DaxMapping allocate(long ino, long fileBlock, long maxBlocks) {
        return extents.allocate(ino, fileBlock, maxBlocks);
    }

    @Override
    public void convert(long ino, long fileBlock, long blocks) {
        extents.convert(ino, fileBlock, blocks);
    }

    @Override
    public void unmap(long ino, long fileBlock, long blocks) {
        extents.unmap(ino, fileBlock, blocks);
    }

    @Override
    public void preallocate(long ino, long fileBlock, long blocks) {
        extents.preallocate(ino, fileBlock, blocks);
    }

    @Override
    public long allocatedBlocks(long ino) {
        return volume.read(() -> map.mappedBlocks(ino));
    }
}
