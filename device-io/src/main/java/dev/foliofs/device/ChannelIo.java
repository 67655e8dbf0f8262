package dev.foliofs.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;

/**
 * Positional transfers on a FileChannel that loop until the whole buffer moved, as the
 * {@link BlockDevice} contract demands, and turn medium errors into {@link DeviceIOException}.
 */
final class ChannelIo {
    private ChannelIo() {
    }

    static void readFully(FileChannel channel, String device, long offset, ByteBuffer dst) throws IOException {
        int length = dst.remaining();
        long pos = offset;
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, pos);
                if (n < 0) {
                    throw new DeviceIOException(device, DeviceIOException.Op.READ, offset, length,
                            "unexpected end of file at " + pos + " (was the image truncated?)");
                }
                pos += n;
            }
        } catch (DeviceIOException | ClosedChannelException e) {
            throw e;
        } catch (IOException e) {
            throw new DeviceIOException(device, DeviceIOException.Op.READ, offset, length, e.getMessage(), e);
        }
    }

    static void writeFully(FileChannel channel, String device, long offset, ByteBuffer src) throws IOException {
        int length = src.remaining();
        long pos = offset;
        try {
            while (src.hasRemaining()) {
                pos += channel.write(src, pos);
            }
        } catch (ClosedChannelException e) {
            throw e;
        } catch (IOException e) {
            throw new DeviceIOException(device, DeviceIOException.Op.WRITE, offset, length, e.getMessage(), e);
        }
    }

    static void force(FileChannel channel, String device) throws IOException {
        try {
            channel.force(false);
        } catch (ClosedChannelException e) {
            throw e;
        } catch (IOException e) {
            throw new DeviceIOException(device, DeviceIOException.Op.FLUSH, 0, 0, e.getMessage(), e);
        }
    }
}
