package dev.foliofs.writeback;

import dev.foliofs.device.BlockDevice;
import dev.foliofs.device.ForwardingBlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A device that appends "W" for each write and "F" for each flush to a shared log (in the
 * order they happen), so a test can put them next to other events in the same log.
 */
final class OrderRecordingDevice extends ForwardingBlockDevice {
    private final List<String> log;

    OrderRecordingDevice(BlockDevice inner, List<String> log) {
        super(inner);
        this.log = log;
    }

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

    @Override public String describe() { return "order-recording " + inner.describe(); }
}
