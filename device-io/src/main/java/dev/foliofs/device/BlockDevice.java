package dev.foliofs.device;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A device addressed in bytes: an image file, a block device node, memory, or a wrapper
 * around one of those. Everything above device-io reads and writes through this contract.
 *
 * <p>Contract for every implementation:
 * <ul>
 *   <li>{@link #read} and {@link #write} transfer exactly {@code buf.remaining()} bytes at
 *       {@code offset} or throw; they advance the buffer's position by that amount. Short
 *       transfers are retried internally, never returned.</li>
 *   <li>An access outside {@code [0, size())} throws {@link IOException}.</li>
 *   <li>A write is durable only after a later {@link #flush()} returns (fdatasync semantics).
 *       Before that, a crash may drop, keep or tear it.</li>
 *   <li>Methods are safe to call from many threads at once; positional IO never shares a file
 *       position.</li>
 *   <li>An IO error from the medium surfaces as {@link DeviceIOException} (an IOException that
 *       names the offset and length), so the layers above can map it to EIO.</li>
 *   <li>Ranges never written (on a fresh sparse image or memory device) read as zeros; a
 *       discarded range may read as anything.</li>
 * </ul>
 *
 * <p>Open one with {@link Devices#open}; every implementation passes the same contract test.
 */
public interface BlockDevice extends AutoCloseable {

    /** Size in bytes; fixed for the lifetime of the open device. */
    long size();

    /** Logical block size in bytes (512 or 4096 on real devices): the O_DIRECT alignment unit. */
    int logicalBlockSize();

    /** Reads {@code dst.remaining()} bytes at {@code offset} into {@code dst}. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /** Writes {@code src.remaining()} bytes from {@code src} at {@code offset}. */
    void write(long offset, ByteBuffer src) throws IOException;

    /** Makes every completed write durable (fdatasync / BLKFLSBUF-free cache flush). */
    void flush() throws IOException;

    /**
     * Tells the device the range no longer holds data (TRIM / punch hole). Advisory: a device
     * that cannot discard does nothing. Reads of a discarded range return unspecified contents.
     */
    void discard(long offset, long length) throws IOException;

    /** A name for messages: the path, or a description of the in-memory device. */
    String describe();

    @Override
    void close() throws IOException;
}
