package dev.foliofs.device;

import com.kenai.jffi.MemoryIO;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;

/**
 * Regions of native memory for caches, whose pages can be given back to the kernel without
 * waiting for the garbage collector, and which cost less to bring in than
 * {@link ByteBuffer#allocateDirect} (that one zeroes every byte in Java after the kernel
 * zeroed each page as it faulted in). A region is an anonymous mapping populated at once: the
 * kernel zeroes its pages in one call instead of one fault per 4 KiB page (about a quarter
 * cheaper on the machine measured). Transparent huge pages are not asked for: with the
 * kernel's usual {@code defrag=madvise}, the first 256 MiB of a fresh process took over a
 * second (memory compaction) instead of about a tenth of one.
 *
 * <p>Lifetime: the region is unmapped when its buffer and every slice, duplicate or view of it
 * have become unreachable (they all keep the first buffer reachable), as with
 * {@code allocateDirect}; no explicit free, so no use after unmap. {@link #release} gives a
 * part's pages back to the kernel while keeping it mapped.
 */
public final class AnonymousMemory {
    private static final Cleaner CLEANER = Cleaner.create();

    private AnonymousMemory() {
    }

    /**
     * {@code bytes} (a multiple of 4 KiB) of zeroed, page-aligned, resident native memory.
     * Where the native calls are not available, a direct buffer aligned to 4 KiB.
     */
    public static ByteBuffer map(int bytes) {
        if (bytes <= 0 || bytes % 4096 != 0) {
            throw new IllegalArgumentException("anonymous memory of " + bytes + " bytes: not a positive multiple of 4 KiB");
        }
        long address;
        try {
            address = NativeIo.mapAnonymous(bytes);
        } catch (IOException | LinkageError | RuntimeException e) {
            return DirectBlockDevice.allocateAligned(bytes, 4096);
        }
        ByteBuffer region;
        try {
            region = MemoryIO.getInstance().newDirectByteBuffer(address, bytes);
        } catch (LinkageError | RuntimeException e) {
            NativeIo.unmap(address, bytes);
            return DirectBlockDevice.allocateAligned(bytes, 4096);
        }
        long unmapAddress = address;
        CLEANER.register(region, () -> NativeIo.unmap(unmapAddress, bytes));
        return region;
    }

    /**
     * Returns the pages of {@code part} (page-aligned, a whole number of pages, inside a region
     * from {@link #map}) to the kernel: they read as zeros afterwards and are faulted in again
     * when written. Best effort: memory that cannot be released stays as it is.
     */
    public static void release(ByteBuffer part) {
        if (!part.isDirect() || part.alignmentOffset(0, 4096) != 0 || part.capacity() % 4096 != 0) {
            return;
        }
        try {
            NativeIo.madvise(part, part.capacity(), NativeIo.MADV_DONTNEED);
        } catch (IOException | LinkageError | RuntimeException e) {
            // kept resident: correct, only larger
        }
    }
}
