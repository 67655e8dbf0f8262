package dev.foliofs.cache;

/**
 * Where one file is being read sequentially, and how far ahead reading has been started: the
 * read-ahead policy of {@link CachedFileData}.
 *
 * <p>A stream starts with a read at the start of the file or where the previous read ended.
 * While it runs, a read anywhere from a window before its last end to a window past the range
 * already read ahead still belongs to it: the kernel sends its own read-ahead as several
 * requests at once, and libfuse's threads serve them in any order. A sequential read keeps at
 * least half a window ahead of itself: once less than that is left, read-ahead is started up
 * to a full window past its end, so each start covers about half a window and the device
 * works while the reader copies. Any other read ends the stream; random reads never start
 * one unless one lands exactly where the previous ended.
 */
final class ReadStream {
    /** A range of the file to read ahead. */
    record Range(long from, long to) {}

    private long lastEnd;
    private long aheadEnd;
    private boolean streaming;

    /**
     * Notes a read of {@code [offset, end)} and returns the range to start reading ahead now,
     * or null. {@code limit} is where the file's data ends (rounded up to a block).
     */
    synchronized Range next(long offset, long end, long window, long limit) {
        boolean sequential = offset == lastEnd
                || (streaming && offset >= lastEnd - window && offset <= Math.max(lastEnd, aheadEnd) + window);
        if (!sequential) {
            streaming = false;
            lastEnd = end;
            aheadEnd = end;
            return null;
        }
        streaming = true;
        lastEnd = Math.max(lastEnd, end);
        long front = Math.max(lastEnd, end);
        if (window <= 0 || aheadEnd - front >= window / 2 || front >= limit) {
            return null;
        }
        long from = Math.max(aheadEnd, front);
        long to = Math.min(limit, front + window);
        if (to <= from) {
            return null;
        }
        aheadEnd = to;
        return new Range(from, to);
    }
}
