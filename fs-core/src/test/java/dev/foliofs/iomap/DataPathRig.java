package dev.foliofs.iomap;

import dev.foliofs.cache.PageCache;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.extent.ExtentMap;
import dev.foliofs.extent.ExtentSequence;
import dev.foliofs.volume.Volume;
import dev.foliofs.volume.testing.InMemoryVolume;
import dev.foliofs.writeback.InodeMetadata;
import dev.foliofs.writeback.Writeback;
import dev.foliofs.writeback.WritebackOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The data path below the vfs, assembled over an in-memory volume: extent map, mapping ops,
 * folio cache, writeback (manual: tests drive it) and buffered IO.
 */
public final class DataPathRig {
    public static final int BLOCK = 4096;

    public final InMemoryVolume memory;
    public final Volume volume;
    public final MeterRegistry registry = new SimpleMeterRegistry();
    public final ExtentMap extents;
    public final SpaceReservation reservation;
    public final ExtentMappingOps ops;
    public final PageCache cache;
    public final Writeback writeback;
    public final BufferedIo io;

    public DataPathRig(long blocks, long cacheBytes) {
        this(InMemoryVolume.create(blocks, BLOCK), null, cacheBytes, WritebackOptions.manual());
    }

    public DataPathRig(InMemoryVolume memory, BlockDevice device, long cacheBytes, WritebackOptions options) {
        this(memory, device, cacheBytes, options, InodeMetadata.NONE);
    }

    /** A rig whose writeback journals {@code metadata} with every extent conversion. */
    public DataPathRig(InMemoryVolume memory, BlockDevice device, long cacheBytes, WritebackOptions options,
                       InodeMetadata metadata) {
        this.memory = memory;
        this.volume = device == null ? memory : new OnDeviceVolume(memory, device);
        this.extents = new ExtentMap(memory.extents(), new ExtentSequence());
        this.reservation = new SpaceReservation(volume, registry);
        this.ops = new ExtentMappingOps(volume, extents, reservation, registry);
        this.cache = new PageCache(cacheBytes, BLOCK, 64 * 1024, registry);
        this.writeback = new Writeback(volume, cache, ops, options, metadata, registry);
        this.io = new BufferedIo(volume, cache, ops, writeback, registry);
    }

    /** A buffered write followed by the dirty throttle, as the cached data path does it. */
    public int write(long ino, long pos, byte[] data) {
        int n = io.write(ino, pos, ByteBuffer.wrap(data));
        writeback.throttle(ino, n);
        return n;
    }

    public byte[] read(long ino, long pos, int len) {
        ByteBuffer b = ByteBuffer.allocate(len);
        io.read(ino, pos, b);
        return b.array();
    }

    /** The bytes on the device at the file offset, as the extent map says (zeros for holes/unwritten). */
    public byte[] readThroughExtents(long ino, long pos, int len) {
        byte[] out = new byte[len];
        volume.read(() -> {
            for (long p = pos; p < pos + len; ) {
                long block = p / BLOCK;
                var e = extents.extentAt(ino, block);
                int n = (int) Math.min(pos + len - p, BLOCK - p % BLOCK);
                if (e.isWritten()) {
                    try {
                        volume.device().read(e.deviceBlockOf(block) * BLOCK + p % BLOCK,
                                ByteBuffer.wrap(out, (int) (p - pos), n));
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                }
                p += n;
            }
            return null;
        });
        return out;
    }

    public double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    public double staleRetries(String path) {
        return counter("foliofs.iomap.stale.retries", "path", path);
    }
}
