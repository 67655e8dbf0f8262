package dev.foliofs.cache;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.data.DataContext;
import dev.foliofs.data.DataRequests;
import dev.foliofs.data.FileData;
import dev.foliofs.inode.Inode;
import dev.foliofs.inode.InodeTable;
import dev.foliofs.iomap.BufferedIo;
import dev.foliofs.iomap.ExtentMappingOps;
import dev.foliofs.iomap.ReadAhead;
import dev.foliofs.iomap.SpaceReservation;
import dev.foliofs.volume.Volume;
import dev.foliofs.writeback.InodeMetadata;
import dev.foliofs.writeback.Writeback;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default data path: buffered IO through the folio cache, delayed allocation, and
 * asynchronous writeback. Writes return once their data is in the cache and its space is
 * reserved; the flusher, fsync, sync and unmount move it to the device.
 *
 * <p>Sizes: this class grows the inode's size after a write past EOF and sets it on truncate
 * and fallocate, in a metadata update after the data change (a crash in between shows a
 * shorter file or zeros, never foreign data).
 *
 * <p>Speculative preallocation: a write that extends a file at its end also reserves a
 * DELALLOC tail past the new EOF (as large as the file, within bounds), so writeback can
 * allocate one long extent for a file written in small appends. The tail is trimmed when the
 * last descriptor closes, unless the file was fallocated with KEEP_SIZE (then blocks past EOF
 * may be the user's).
 */
public final class CachedFileData implements FileData {
    private static final long PREALLOC_MIN = 64L << 10;
    private static final long PREALLOC_MAX = 8L << 20;
    /** Largest read-ahead device read. */
    private static final int READAHEAD_IO = 1 << 20;
    /** Read-ahead IOs in flight at once, and the threads that run them. */
    private static final int READAHEAD_QUEUE = 4;
    private static final int READAHEAD_WORKERS = 2;

    private final Volume volume;
    private final InodeTable inodes;
    private final int blockSize;
    private final DataOptions options;
    private final SpaceReservation reservation;
    private final ExtentMappingOps ops;
    private final PageCache cache;
    private final Writeback writeback;
    private final BufferedIo io;
    private final ReadAhead readAhead;
    /** Per inode being read: its sequential stream (read-ahead policy). */
    private final Map<Long, ReadStream> streams = new ConcurrentHashMap<>();
    /** Inodes with speculative blocks past EOF that the last close trims. */
    private final Set<Long> speculative = ConcurrentHashMap.newKeySet();
    /** Inodes fallocated with KEEP_SIZE: their blocks past EOF are never trimmed. */
    private final Set<Long> keepSize = ConcurrentHashMap.newKeySet();

    public CachedFileData(DataContext context, DataOptions options) {
        this.volume = context.volume();
        this.inodes = context.inodes();
        this.blockSize = volume.blockSize();
        this.options = options;
        this.reservation = new SpaceReservation(volume, context.registry());
        this.ops = new ExtentMappingOps(volume, context.extents(), reservation, context.registry());
        this.cache = new PageCache(options.cacheSize(), blockSize, options.maxFolio(), context.registry());
        this.writeback = new Writeback(volume, cache, ops, options.writeback(), deferredTimes(inodes),
                context.registry());
        this.io = new BufferedIo(volume, cache, ops, writeback, context.registry());
        this.readAhead = new ReadAhead(volume, cache, ops, Math.max(READAHEAD_IO, cache.maxFolio()), READAHEAD_QUEUE,
                READAHEAD_WORKERS, context.registry());
    }

    public PageCache cache() {
        return cache;
    }

    public Writeback writeback() {
        return writeback;
    }

    public ExtentMappingOps mappingOps() {
        return ops;
    }

    public BufferedIo bufferedIo() {
        return io;
    }

    /**
     * Reads through the cache; a sequential reader gets the next window read ahead in the
     * background ({@link ReadStream}, {@link ReadAhead}), started before its own blocks are
     * read so that both IOs overlap.
     */
    @Override
    public int read(Inode inode, long offset, ByteBuffer dst) {
        DataRequests.checkRead(offset);
        long size = inode.record().size();
        if (offset >= size || !dst.hasRemaining()) {
            return 0;
        }
        int n = (int) Math.min(dst.remaining(), size - offset);
        long ino = inode.ino();
        ReadStream.Range ahead = streams.computeIfAbsent(ino, k -> new ReadStream())
                .next(offset, offset + n, options.readahead(), roundUp(size));
        if (ahead != null) {
            readAhead.start(ino, ahead.from(), ahead.to());
        } else if (fitsTheCache(size) && !cache.cached(ino, offset)) {
            readAround(ino, offset, offset + n, roundUp(size));
        }
        ByteBuffer part = dst.slice(dst.position(), n);
        int got = io.read(ino, offset, part);
        dst.position(dst.position() + got);
        return got;
    }

    /**
     * Whether a file of {@code size} bytes fits in half of what the cache may grow to: then a
     * random read that misses fetches the whole largest folio around it ({@link #readAround}).
     */
    private boolean fitsTheCache(long size) {
        return roundUp(size) <= cache.capacity() / 2;
    }

    /**
     * Read-around for a random read that misses, in a file that fits the cache: the
     * largest-folio-aligned window around {@code [from, to)} is read as one device IO (the read
     * itself waits for the folio under IO instead of reading the device again). Each miss then
     * caches up to 16 blocks instead of one, so a working set that fits is cached sixteen times
     * sooner; the extra bytes of each IO cost little next to the IO itself. Files larger than
     * that keep reading only what is asked (the cache could not hold what read-around brings).
     */
    private void readAround(long ino, long from, long to, long limit) {
        long window = cache.maxFolio();
        long start = from - from % window;
        long end = Math.min(limit, Math.max(to, start + window));
        readAhead.start(ino, start, end);
    }

    @Override
    public int write(Inode inode, long offset, ByteBuffer src) {
        int n = src.remaining();
        DataRequests.checkWrite(offset, n);
        if (n == 0) {
            return 0;
        }
        long ino = inode.ino();
        long size = inode.record().size();
        int written = io.write(ino, offset, src);
        long end = offset + written;
        if (end > size) {
            volume.update(() -> {
                if (end > inode.record().size()) {
                    inodes.update(inode, r -> r.withSize(end));
                }
                return null;
            });
            if (offset <= size) {
                preallocate(inode, end);
            }
        }
        return written;
    }

    /**
     * Paces a writer against writeback once its write is complete (data in the cache, space
     * reserved, size set) and it holds no lock of the file, so that other writers and readers
     * of the file (and truncate) proceed while it sleeps: waits while dirty data is over the
     * limit (see {@link Writeback#throttle}).
     */
    @Override
    public void paceWriter(Inode inode, long written) {
        if (writeback.overLimit()) {
            writeback.throttle(inode.ino(), written);
        }
    }

    /** Writeback journals an inode's deferred times with the extents it converts. */
    private static InodeMetadata deferredTimes(InodeTable inodes) {
        return ino -> {
            Inode inode = inodes.cached(ino);
            if (inode != null) {
                inodes.writeTimes(inode);
            }
        };
    }

    /** Reserves a DELALLOC tail past a file's new EOF for a file growing at its end. */
    private void preallocate(Inode inode, long end) {
        long tail = Math.min(PREALLOC_MAX, Math.max(PREALLOC_MIN, end));
        long from = roundUp(end);
        long to = Math.min(MAX_FILE_SIZE, from + tail);
        if (to <= from) {
            return;
        }
        try {
            if (ops.reserveTail(inode.ino(), from / blockSize, to / blockSize)) {
                speculative.add(inode.ino());
            }
        } catch (FsException e) {
            if (e.errno() != Errno.ENOSPC) {
                throw e;
            }
            // speculation only: short of space, the file simply does not get a tail
        }
    }

    @Override
    public void truncate(Inode inode, long newSize) {
        DataRequests.checkSize(newSize);
        long size = inode.record().size();
        if (newSize < size) {
            io.truncate(inode.ino(), newSize);
        } else if (newSize > size) {
            // bytes past the old EOF in its last block are zeros already (kept so by every truncate)
            trimTail(inode.ino(), size);
        }
        volume.update(() -> {
            inodes.update(inode, r -> r.withSize(newSize));
            return null;
        });
    }

    @Override
    public void fallocate(Inode inode, int mode, long offset, long length) {
        DataRequests.checkFallocate(mode, offset, length);
        long end = offset + length;
        long ino = inode.ino();
        boolean grow = (mode & KEEP_SIZE) == 0;
        if ((mode & PUNCH_HOLE) != 0) {
            io.punch(ino, offset, length);
        } else if ((mode & ZERO_RANGE) != 0) {
            io.zeroRange(ino, offset, length);
        } else {
            io.preallocate(ino, offset, length);
        }
        if (!grow && (mode & PUNCH_HOLE) == 0) {
            keepSize.add(ino);
        }
        if (grow && end > inode.record().size()) {
            volume.update(() -> {
                if (end > inode.record().size()) {
                    inodes.update(inode, r -> r.withSize(end));
                }
                return null;
            });
        }
    }

    @Override
    public void fsync(Inode inode, boolean dataOnly) {
        writeback.fsync(inode.ino(), 0, Long.MAX_VALUE);
    }

    @Override
    public void flush(Inode inode) {
        writeback.checkCloseError(inode.ino());
    }

    /**
     * Last descriptor gone: forgets the reader's stream (a read-ahead hint; a concurrent open
     * may start a new one) and answers whether a speculative tail waits to be trimmed. A tail
     * is only added by a write through an open descriptor, whose own last close asks again.
     */
    @Override
    public boolean release(Inode inode) {
        streams.remove(inode.ino());
        return speculative.contains(inode.ino());
    }

    /**
     * The speculative tail past EOF (DELALLOC, or the UNWRITTEN blocks writeback made of it)
     * is given back. Runs inside the vfs's metadata update; waits for nothing.
     */
    @Override
    public void releaseSpace(Inode inode) {
        if (speculative.remove(inode.ino())) {
            trimTail(inode.ino(), inode.record().size());
        }
    }

    private void trimTail(long ino, long size) {
        if (keepSize.contains(ino)) {
            return;
        }
        long from = roundUp(size) / blockSize;
        ops.unmap(ino, from, Long.MAX_VALUE / blockSize);
    }

    @Override
    public void delete(Inode inode) {
        long ino = inode.ino();
        writeback.cleaned(ino, cache.dropInode(ino));
        ops.unmap(ino, 0, Long.MAX_VALUE / blockSize);
        ops.forget(ino);
        writeback.forget(ino);
        streams.remove(ino);
        speculative.remove(ino);
        keepSize.remove(ino);
    }

    @Override
    public long blocks(Inode inode) {
        return volume.read(() -> ops.extents().mappedBlocks(inode.ino())) + ops.delallocBlocks(inode.ino());
    }

    @Override
    public long reservedBlocks() {
        return reservation.reserved();
    }

    @Override
    public void syncAll() {
        writeback.writebackAll();
        try {
            volume.device().flush();
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "flush of " + volume.device().describe() + ": " + e.getMessage(), e);
        }
    }

    /** Waits for read-ahead in flight, writes back everything and stops the flusher threads. */
    @Override
    public void close() {
        readAhead.close();
        writeback.close();
    }

    private long roundUp(long bytes) {
        return (bytes + blockSize - 1) / blockSize * blockSize;
    }
}
