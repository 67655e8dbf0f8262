package dev.foliofs.vfs;

/**
 * The changes of one setattr call; a null field is left unchanged. {@code mode} holds the
 * permission bits (07777; type bits are ignored). {@code uid}/{@code gid}: null for chown's -1.
 * Times: nanoseconds since the epoch, or {@link #NOW} for the current time (UTIME_NOW);
 * {@code UTIME_OMIT} maps to null. ctime is always set to the current time by a setattr that
 * changes anything; a size change also sets mtime.
 */
public record SetAttr(Integer mode, Integer uid, Integer gid, Long size, Long atimeNs,
                      Long mtimeNs) {
    /** Sentinel time meaning "the current time" (UTIME_NOW). */
    public static final long NOW = Long.MIN_VALUE;

    public static SetAttr mode(int mode) {
        return new SetAttr(mode, null, null, null, null, null);
    }

    public static SetAttr owner(Integer uid, Integer gid) {
        return new SetAttr(null, uid, gid, null, null, null);
    }

    public static SetAttr size(long size) {
        return new SetAttr(null, null, null, size, null, null);
    }

    public static SetAttr times(Long atimeNs, Long mtimeNs) {
        return new SetAttr(null, null, null, null, atimeNs, mtimeNs);
    }
}
