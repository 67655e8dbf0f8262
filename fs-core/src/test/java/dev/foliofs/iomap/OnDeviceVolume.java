package dev.foliofs.iomap;

import dev.foliofs.alloc.SpaceAllocator;
import dev.foliofs.btree.Tree;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.volume.Volume;
import dev.foliofs.volume.testing.InMemoryVolume;
import java.util.UUID;
import java.util.function.Supplier;

/** An in-memory volume whose data goes through another device (a fault-injecting wrapper). */
public final class OnDeviceVolume implements Volume {
    private final InMemoryVolume v;
    private final BlockDevice device;

    public OnDeviceVolume(InMemoryVolume v, BlockDevice device) {
        this.v = v;
        this.device = device;
    }

    @Override public BlockDevice device() { return device; }
    @Override public int blockSize() { return v.blockSize(); }
    @Override public UUID uuid() { return v.uuid(); }
    @Override public String label() { return v.label(); }
    @Override public Tree inodes() { return v.inodes(); }
    @Override public Tree dirents() { return v.dirents(); }
    @Override public Tree extents() { return v.extents(); }
    @Override public Tree xattrs() { return v.xattrs(); }
    @Override public SpaceAllocator allocator() { return v.allocator(); }
    @Override public <T> T update(Supplier<T> operation) { return v.update(operation); }
    @Override public <T> T read(Supplier<T> operation) { return v.read(operation); }
    @Override public void sync() { v.sync(); }
    @Override public boolean readOnly() { return v.readOnly(); }
    @Override public String readOnlyReason() { return v.readOnlyReason(); }
    @Override public void close() { v.close(); }
}
