package dev.foliofs.dax;

import java.nio.ByteBuffer;

/**
 * A shared memory mapping of a DAX file, as a process sees it: loads and stores go through
 * the installed pages and fault only where none is installed (or, for a store, where only the
 * read-only zero page is). This is the userspace model of mmap on a DAX file that the race
 * tests and the exerciser drive.
 *
 * <p>A load or store is not atomic with respect to invalidation, as on real hardware: one that
 * raced with a truncate may touch the old page, never a page of another file (the memory of an
 * invalidated page is the freed block's, and a freed block is only reused after allocation
 * invalidated this file's pages under the exclusive mmaplock).
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
            InstalledPage page = file.pages().lookup(index);
            if (page == null) {
                page = dax.faults().fault(file, index, false);
            }
            dst.put(dst.position(), page.memory(), in, n);
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
            InstalledPage page = file.pages().lookup(index);
            if (page == null || !page.writable()) {
                page = dax.faults().fault(file, index, true);
            }
            page.memory().put(in, src, src.position(), n);
            src.position(src.position() + n);
            pos += n;
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
