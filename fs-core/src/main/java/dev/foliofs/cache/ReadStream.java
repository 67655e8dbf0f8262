package dev.foliofs.cache;

/**
 * Where one file is being read sequentially, and how far ahead reading has been started: the
 * read-ahead policy of {@link CachedFileData}.
 *
 * <p>A read is sequential when it starts where the previous one ended, or inside the range
 * already read ahead (the kernel sends its own read-ahead as several requests that libfuse's
 * threads may serve out of order). A sequential read keeps at least half a window ahead of
 * itself: once less than that is left, read-ahead is started up to a full window past its end,
 * so each start covers about half a window and the device works while the reader copies.
 * Any other read resets the stream.
 */
final class ReadStream {
    /** A range of the file to read ahead. */
    record Range(long from, long to) {}

    private long lastEnd;
    private long aheadStart;
    private long aheadEnd;

    /**
     * Notes a read of {@code [offset, end)} and returns the range to start reading ahead now,
     * or null. {@code limit} is where the file's data ends (rounded up to a block).
     */
    synchronized Range next(long offset, long end, long window, long limit) {
        boolean sequential = offset == lastEnd || (offset >= aheadStart && offset < aheadEnd);
        lastEnd = Math.max(sequential ? lastEnd : 0, end);
        if (!sequential) {
            aheadStart = end;
            aheadEnd = end;
            return null;
        }
        if (window <= 0 || aheadEnd - end >= window / 2 || end >= limit) {
            return null;
        }
        long from = Math.max(aheadEnd, end);
        long to = Math.min(limit, end + window);
        if (to <= from) {
            return null;
        }
        aheadEnd = to;
        return new Range(from, to);
    }
}
