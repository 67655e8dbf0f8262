package dev.foliofs.tools.fsx;

/**
 * One generated operation. {@code offset} and {@code length} give the byte range it touches;
 * for {@link OpKind#TRUNCATE} {@code offset} is the new size and {@code length} is 0; FSYNC and
 * REOPEN touch no range. {@code keepSize} applies to ZERO_RANGE only (FALLOC_FL_KEEP_SIZE); the
 * other fallocate kinds carry their mode in the kind. A read or punch of length 0 (the file was
 * empty) is performed as nothing.
 */
public record Op(OpKind kind, long offset, long length, boolean keepSize) {

    public Op {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length + " for " + kind);
        }
    }

    static Op of(OpKind kind, long offset, long length) {
        return new Op(kind, offset, length, false);
    }

    static Op truncate(long newSize) {
        return new Op(OpKind.TRUNCATE, newSize, 0, false);
    }

    static Op plain(OpKind kind) {
        return new Op(kind, 0, 0, false);
    }

    /** One past the last byte of the range. */
    public long end() {
        return offset + length;
    }

    /** True if byte {@code position} lies inside this operation's range. */
    boolean covers(long position) {
        return length > 0 && position >= offset && position < end();
    }

    /** The operation as one log line, fsx style: kind, range in hex, length. */
    public String describe() {
        String name = kind.label() + (kind == OpKind.ZERO_RANGE && keepSize ? "(keep-size)" : "");
        return switch (kind) {
            case TRUNCATE -> String.format("%-20s to 0x%x", name, offset);
            case FSYNC, REOPEN -> name;
            default -> length == 0
                    ? String.format("%-20s nothing (empty file)", name)
                    : String.format("%-20s 0x%x thru 0x%x (0x%x bytes)", name, offset, end() - 1, length);
        };
    }
}
