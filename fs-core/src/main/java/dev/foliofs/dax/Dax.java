package dev.foliofs.dax;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.MappedWindows;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Direct access for one mounted volume: file data read and written straight in the device's
 * memory-mapped windows, with no cache of foliofs's own in between. Holds what the fault
 * handler ({@link DaxFaults}) and the copy path ({@link DaxIo}) share: the windows, the extent
 * seam, the per-inode state, the protections (on, except in race tests) and the metrics.
 *
 * <p>A DAX page is one filesystem block; blocks never straddle a window chunk (both are powers
 * of two and the chunk is at least a page).
 */
public final class Dax {
    private final MappedWindows windows;
    private final int blockSize;
    private final DaxExtents extents;
    private final DaxProtection protection;
    private final DaxHooks hooks;
    private final DaxMetrics metrics;
    private final ByteBuffer zeroPage;
    private final ConcurrentHashMap<Long, DaxFile> files = new ConcurrentHashMap<>();
    private final DaxFaults faults;
    private final DaxIo io;

    public Dax(MappedWindows windows, int blockSize, DaxExtents extents, MeterRegistry registry) {
        this(windows, blockSize, extents, DaxProtection.ON, DaxHooks.NONE, registry);
    }

    /** With protections and hooks chosen by a test. */
    public Dax(MappedWindows windows, int blockSize, DaxExtents extents, DaxProtection protection, DaxHooks hooks,
               MeterRegistry registry) {
        if (Integer.bitCount(blockSize) != 1 || blockSize > windows.chunkSize()) {
            throw new IllegalArgumentException("block size " + blockSize + " must be a power of two within a window chunk");
        }
        this.windows = windows;
        this.blockSize = blockSize;
        this.extents = extents;
        this.protection = protection;
        this.hooks = hooks;
        this.metrics = new DaxMetrics(registry);
        this.zeroPage = ByteBuffer.allocateDirect(blockSize).asReadOnlyBuffer();
        Gauge.builder("foliofs.dax.installed.pages", files, Dax::installedPages)
                .description("pages installed in DAX mappings (the page-table entries of every mapped file)")
                .register(registry);
        this.faults = new DaxFaults(this);
        this.io = new DaxIo(this);
    }

    /** The DAX state of {@code ino}, with a lock of its own when the inode has none to lend. */
    public DaxFile file(long ino) {
        return files.computeIfAbsent(ino, i -> new DaxFile(i, new ReentrantReadWriteLock()));
    }

    /**
     * The DAX state of {@code ino}, guarded by the in-core inode's {@code mmapLock}. An inode
     * that left memory and came back has a new lock: its old state is dropped (dropping
     * installed pages is always safe, the next access faults them in again).
     */
    public DaxFile file(long ino, ReadWriteLock mmapLock) {
        DaxFile file = files.get(ino);
        if (file != null && file.mmapLock() == mmapLock) {
            return file;
        }
        return files.compute(ino, (i, old) -> old != null && old.mmapLock() == mmapLock ? old : new DaxFile(i, mmapLock));
    }

    private static double installedPages(ConcurrentHashMap<Long, DaxFile> files) {
        long n = 0;
        for (DaxFile f : files.values()) {
            n += f.pages().size();
        }
        return n;
    }

    /** Drops the DAX state of an inode that is gone from memory (no mapping of it remains). */
    public void forget(long ino) {
        files.remove(ino);
    }

    public DaxFaults faults() {
        return faults;
    }

    public DaxIo io() {
        return io;
    }

    public DaxMetrics metrics() {
        return metrics;
    }

    public int blockSize() {
        return blockSize;
    }

    public DaxProtection protection() {
        return protection;
    }

    MappedWindows windows() {
        return windows;
    }

    DaxExtents extents() {
        return extents;
    }

    DaxHooks hooks() {
        return hooks;
    }

    /** The shared zero page (read-only, one block of zeros), as a buffer of its own to install. */
    ByteBuffer zeroPage() {
        return zeroPage.duplicate();
    }

    /** The zero page itself, for absolute-index copies only (they leave its position alone). */
    ByteBuffer zeros() {
        return zeroPage;
    }

    /** True if {@code mapping} may still be used: its sequence is current, or checking is off. */
    boolean valid(long ino, DaxMapping mapping) {
        return valid(ino, mapping.sequence());
    }

    /** True if a mapping made at {@code sequence} may still be used; a stale one is counted. */
    boolean valid(long ino, long sequence) {
        if (!protection.sequenceCheck() || sequence == extents.sequence(ino)) {
            return true;
        }
        metrics.stale();
        return false;
    }

    /** The device memory of one block. */
    ByteBuffer block(long deviceBlock) {
        try {
            return windows.window(deviceBlock * blockSize, blockSize);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "DAX window of device block " + deviceBlock + ": " + e.getMessage(), e);
        }
    }

    /** Writes zeros to {@code [offset, offset + length)} of one device block. */
    void zero(long deviceBlock, int offset, int length) {
        if (length > 0) {
            block(deviceBlock).put(offset, zeroPage, 0, length);
        }
    }

    /**
     * Makes the data in {@code [deviceBlock, deviceBlock + blocks)} durable (msync). Called
     * before a conversion to WRITTEN is recorded: the journal must never make blocks readable
     * whose data could still be lost in a crash (invariant 2).
     */
    void persist(long deviceBlock, long blocks) {
        try {
            windows.force(deviceBlock * blockSize, blocks * blockSize);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, "DAX flush of device blocks " + deviceBlock + " +" + blocks + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Checks that every installed page of {@code file} matches the extent map (invariant 4):
     * the zero page only over holes and unwritten blocks, a block's memory only over that very
     * block, written or being written. Takes the mmaplock exclusive, so it sees a quiet moment.
     * Returns the violations found, empty when all is well.
     */
    public java.util.List<String> checkInstalledPages(DaxFile file) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        file.mmapLock().writeLock().lock();
        try {
            for (InstalledPage page : file.pages().snapshot()) {
                DaxMapping m = extents.map(file.ino(), page.index(), 1);
                if (page.zeroPage() && m.state() == BlockState.WRITTEN) {
                    problems.add("inode " + file.ino() + " page " + page.index() + ": zero page installed over written block "
                            + m.deviceBlockOf(page.index()));
                } else if (!page.zeroPage() && (!m.allocated() || m.deviceBlockOf(page.index()) != page.deviceBlock())) {
                    problems.add("inode " + file.ino() + " page " + page.index() + ": installed block " + page.deviceBlock()
                            + " but the extent map says " + m);
                }
            }
        } finally {
            file.mmapLock().writeLock().unlock();
        }
        return problems;
    }

    /** Invalidates installed pages of {@code file} in {@code [fromBlock, toBlock)}, counted. */
    int invalidate(DaxFile file, long fromBlock, long toBlock) {
        int n = file.pages().invalidate(fromBlock, toBlock);
        metrics.invalidated(n);
        return n;
    }
}
