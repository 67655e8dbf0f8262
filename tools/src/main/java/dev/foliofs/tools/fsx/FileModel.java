package dev.foliofs.tools.fsx;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The shadow copy of the file under test: what a correct filesystem must return. Sparse, so
 * that files of gigabytes cost only the chunks ever written: a chunk that was never written, or
 * lies past the size, reads as zeros.
 *
 * <p>Invariant: every byte at or past {@link #size()} is zero in the chunks, so that growing
 * the file (truncate up, fallocate, a write past the end) exposes zeros without extra work.
 */
public final class FileModel {
    static final int CHUNK = 64 * 1024;

    private final Map<Long, byte[]> chunks = new HashMap<>();
    private long size;

    public long size() {
        return size;
    }

    /** The bytes {@code [offset, offset + length)}; zeros where nothing was written or past the size. */
    public byte[] read(long offset, int length) {
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            long position = offset + done;
            int inChunk = (int) (position % CHUNK);
            int n = Math.min(length - done, CHUNK - inChunk);
            byte[] chunk = chunks.get(position / CHUNK);
            if (chunk != null) {
                System.arraycopy(chunk, inChunk, out, done, n);
            }
            done += n;
        }
        return out;
    }

    /** write(2): stores {@code data} at {@code offset}, growing the size if it ends past it. */
    public void write(long offset, byte[] data) {
        int done = 0;
        while (done < data.length) {
            long position = offset + done;
            int inChunk = (int) (position % CHUNK);
            int n = Math.min(data.length - done, CHUNK - inChunk);
            byte[] chunk = chunks.computeIfAbsent(position / CHUNK, k -> new byte[CHUNK]);
            System.arraycopy(data, done, chunk, inChunk, n);
            done += n;
        }
        size = Math.max(size, offset + data.length);
    }

    /** ftruncate(2): shrinking forgets the bytes past the new size, growing exposes zeros. */
    public void truncate(long newSize) {
        if (newSize < size) {
            clear(newSize, size - newSize);
        }
        size = newSize;
    }

    /**
     * fallocate(2) with mode 0 or KEEP_SIZE, and ZERO_RANGE: mode 0 reads back unchanged and
     * only grows the size; ZERO_RANGE also zeros the range. Without {@code keepSize} the size
     * grows to cover the range.
     */
    public void allocate(long offset, long length, boolean zero, boolean keepSize) {
        if (zero) {
            clear(offset, Math.max(0, Math.min(offset + length, size) - offset));
        }
        if (!keepSize) {
            size = Math.max(size, offset + length);
        }
    }

    /** PUNCH_HOLE (always with KEEP_SIZE): the range reads as zeros, the size stays. */
    public void punchHole(long offset, long length) {
        clear(offset, Math.max(0, Math.min(offset + length, size) - offset));
    }

    private void clear(long offset, long length) {
        long end = offset + length;
        long position = offset;
        while (position < end) {
            long index = position / CHUNK;
            int inChunk = (int) (position % CHUNK);
            int n = (int) Math.min(end - position, CHUNK - inChunk);
            byte[] chunk = chunks.get(index);
            if (chunk != null) {
                if (n == CHUNK) {
                    chunks.remove(index);
                } else {
                    Arrays.fill(chunk, inChunk, inChunk + n, (byte) 0);
                }
            }
            position += n;
        }
    }

    /** Number of chunks held, for tests of sparseness. */
    int chunkCount() {
        return chunks.size();
    }
}
