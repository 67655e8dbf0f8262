package dev.foliofs.dax;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.Lock;

/**
 * A shared memory mapping of a DAX file, as a process sees it: loads and stores go through
 * the installed pages and fault only where none is installed (or, for a store, where only the
 * read-only zero page is). This is the userspace model of mmap on a DAX file that the race
 * tests and the exerciser drive.
 *
 * <p>Each load or store of a page holds the mmaplock shared while it touches the memory, so
 * invalidation (under the exclusive lock) cannot free a block under an access in flight.
 */
public final class DaxMmap {
    private final Dax dax;
    private final DaxFile file;

    public DaxMmap(Dax dax, DaxFile file) {
        this.dax = dax;
        this.file = file;
    }

    /** Loads {@code dst.remaining()} bytes at file offset {@code offset}. */
    public void load(long offset, ByteBuffer dst) {
        int bs = dax.blockSize();
        long pos = offset;
        while (dst.hasRemaining()) {
            long index = pos / bs;
            int in = (int) (pos - index * bs);
            int n = Math.min(dst.remaining(), bs - in);
            access(index, false, page -> dst.put(dst.position(), page.memory(), in, n));
            dst.position(dst.position() + n);
            pos += n;
        }
    }

    /** Stores {@code src.remaining()} bytes at file offset {@code offset}. */
    public void store(long offset, ByteBuffer src) {
        int bs = dax.blockSize();
        long pos = offset;
        while (src.hasRemaining()) {
            long index = pos / bs;
            int in = (int) (pos - index * bs);
            int n = Math.min(src.remaining(), bs - in);
            access(index, true, page -> page.memory().put(in, src, src.position(), n));
            src.position(src.position() + n);
            pos += n;
        }
    }

    /**
     * Runs {@code access} on the page installed at {@code index}, faulting first where none
     * (or, for a store, only the zero page) is installed. The access itself holds the mmaplock
     * shared: invalidation takes it exclusive, so it waits for accesses in flight, as a TLB
     * shootdown does, and no access reaches a block after it was freed. The fault runs without
     * the lock (it takes it itself, exclusive when it must allocate).
     */
    private void access(long index, boolean store, java.util.function.Consumer<InstalledPage> access) {
        Lock shared = file.mmapLock().readLock();
        for (;;) {
            shared.lock();
            try {
                InstalledPage page = file.pages().lookup(index);
                if (page != null && (!store || page.writable())) {
                    access.accept(page);
                    return;
                }
            } finally {
                shared.unlock();
            }
            dax.faults().fault(file, index, store);
        }
    }

    /** Loads {@code length} bytes at {@code offset} into a new array. */
    public byte[] load(long offset, int length) {
        byte[] bytes = new byte[length];
        load(offset, ByteBuffer.wrap(bytes));
        return bytes;
    }

    public void store(long offset, byte[] bytes) {
        store(offset, ByteBuffer.wrap(bytes));
    }
}
