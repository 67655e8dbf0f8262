package dev.foliofs.tools.fsx;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Called after each operation succeeded and before its results are checked. A seam for tests
 * that must show fsx catching damage: a hook that changes the file behind the model's back.
 */
@FunctionalInterface
public interface OpHook {
    OpHook NONE = (number, op, channel) -> { };

    void afterOp(long number, Op op, FileChannel channel) throws IOException;
}
