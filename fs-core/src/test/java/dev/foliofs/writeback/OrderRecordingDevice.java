package dev.foliofs.writeback;

import dev.foliofs.device.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A device that appends "W" for each write and "F" for each flush to a shared log (in the
 * order they happen), so a test can put them next to other events in the same log.
 */
final class OrderRecordingDevice implements BlockDevice {
    private final BlockDevice inner;
    private final List<String> log;

    OrderRecordingDevice(BlockDevice inner, List<String> log) {
        this.inner = inner;
        this.log = log;
    }

    @Override public long size() { return inner.size(); }
    @Override public int logicalBlockSize() { return inner.logicalBlockSize(); }
    @Override public void read(long offset, ByteBuffer dst) throws IOException { inner.read(offset, dst); }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        inner.write(offset, src);
        log.add("W");
    }

    @Override
    public void flush() throws IOException {
        inner.flush();
        log.add("F");
    }

    @Override public void discard(long offset, long length) throws IOException { inner.discard(offset, length); }
    @Override public String describe() { return "order-recording " + inner.describe(); }
    @Override public void close() throws IOException { inner.close(); }
}
