package dev.foliofs.tools.fsx;

/**
 * The bytes fsx writes: a function of the operation number and the file position, never zero.
 * Data that lands at the wrong offset, comes from an older write, or was lost to zeros therefore
 * differs from the model, and a wrong byte found in the file can be traced back to the
 * operation that wrote it.
 */
final class WritePattern {
    private WritePattern() {
    }

    static byte at(long opNumber, long position) {
        long mixed = (position + 1) * 0x9E3779B97F4A7C15L ^ (opNumber + 1) * 0xC2B2AE3D27D4EB4FL;
        mixed ^= mixed >>> 29;
        mixed *= 0xBF58476D1CE4E5B9L;
        int value = (int) (mixed >>> 56);
        return (byte) (value == 0 ? 1 : value);
    }

    /** The data operation {@code opNumber} writes at {@code offset}. */
    static byte[] data(long opNumber, long offset, int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = at(opNumber, offset + i);
        }
        return data;
    }

    /**
     * True if the {@code count} bytes of {@code actual} from index {@code from}, found in the
     * file at {@code offset}, are exactly what operation {@code opNumber} wrote there.
     */
    static boolean matches(long opNumber, long offset, byte[] actual, int from, int count) {
        if (count == 0) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (actual[from + i] != at(opNumber, offset + i)) {
                return false;
            }
        }
        return true;
    }
}
