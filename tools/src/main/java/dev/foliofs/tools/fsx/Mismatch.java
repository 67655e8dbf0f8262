package dev.foliofs.tools.fsx;

import java.util.List;

/**
 * A difference between the file and the model: thrown at the first one, it ends the run. Its
 * report names the check that found it, the offending range with expected and actual bytes,
 * the first differing offset, a guess at where wrong bytes came from, and the operation log.
 */
final class Mismatch extends Exception {
    private static final long serialVersionUID = 1L;
    private static final int MAX_ROWS = 8;

    private Mismatch(String report) {
        super(report, null, false, false);
    }

    /** The full multi-line report. */
    String report() {
        return getMessage();
    }

    /**
     * The bytes read at {@code offset} differ from the model, or fewer came back than asked
     * ({@code actual} shorter than {@code expected}). {@code check} says which operation or
     * check read them.
     */
    static Mismatch ofData(String file, long seed, String check, long offset, byte[] expected, byte[] actual,
                           List<LoggedOp> log) {
        StringBuilder out = new StringBuilder();
        int first = firstDifference(expected, actual);
        int last = lastDifference(expected, actual);
        int differing = 0;
        for (int i = first; i <= last; i++) {
            if (i >= actual.length || expected[i] != actual[i]) {
                differing++;
            }
        }
        out.append(String.format("fsx: MISMATCH in %s (seed %d) found by %s%n", file, seed, check));
        out.append(String.format("fsx: range checked 0x%x thru 0x%x (0x%x bytes)%n",
                offset, offset + expected.length - 1, expected.length));
        if (actual.length < expected.length) {
            out.append(String.format("fsx: short read: 0x%x of 0x%x bytes, the file ended at 0x%x%n",
                    actual.length, expected.length, offset + actual.length));
        }
        out.append(String.format("fsx: first differing offset 0x%x; %d bytes differ in 0x%x thru 0x%x%n",
                offset + first, differing, offset + first, offset + last));
        appendRows(out, offset, expected, actual, first);
        out.append(origin(offset, first, last, actual, log));
        appendLog(out, log);
        return new Mismatch(out.toString());
    }

    /** The file's size differs from the model's after an operation. */
    static Mismatch ofSize(String file, long seed, String check, long expected, long actual, List<LoggedOp> log) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("fsx: MISMATCH in %s (seed %d) found by %s%n", file, seed, check));
        out.append(String.format("fsx: file size expected 0x%x (%d), actual 0x%x (%d)%n", expected, expected, actual, actual));
        appendLog(out, log);
        return new Mismatch(out.toString());
    }

    private static int firstDifference(byte[] expected, byte[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (i >= actual.length || expected[i] != actual[i]) {
                return i;
            }
        }
        throw new IllegalArgumentException("no difference");
    }

    private static int lastDifference(byte[] expected, byte[] actual) {
        for (int i = expected.length - 1; i >= 0; i--) {
            if (i >= actual.length || expected[i] != actual[i]) {
                return i;
            }
        }
        throw new IllegalArgumentException("no difference");
    }

    /** Rows of 16 bytes from the row holding the first difference: expected above actual. */
    private static void appendRows(StringBuilder out, long offset, byte[] expected, byte[] actual, int first) {
        out.append("fsx: OFFSET              BYTES (-- = past the end of what was read; ^^ marks a difference)\n");
        long rowStart = Math.max(offset, (offset + first) & ~15L);
        for (int row = 0; row < MAX_ROWS; row++) {
            long start = rowStart + row * 16L;
            if (start >= offset + expected.length) {
                break;
            }
            int from = (int) (start - offset);
            int to = Math.min(expected.length, from + 16);
            StringBuilder good = new StringBuilder();
            StringBuilder bad = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (int i = from; i < to; i++) {
                good.append(String.format(" %02x", expected[i]));
                bad.append(i < actual.length ? String.format(" %02x", actual[i]) : " --");
                marks.append(i >= actual.length || expected[i] != actual[i] ? " ^^" : "   ");
            }
            out.append(String.format("fsx: 0x%-12x expected%s%n", start, good));
            out.append(String.format("fsx: %-14s actual  %s%n", "", bad));
            out.append(String.format("fsx: %-14s         %s%n", "", marks.toString().stripTrailing()));
        }
    }

    /** Where the wrong bytes probably came from: zeros, or an earlier write (by its pattern). */
    private static String origin(long offset, int first, int last, byte[] actual, List<LoggedOp> log) {
        if (first >= actual.length) {
            return "";
        }
        int end = Math.min(last + 1, actual.length);
        boolean zeros = true;
        for (int i = first; i < end; i++) {
            zeros &= actual[i] == 0;
        }
        if (zeros) {
            return "fsx: the wrong bytes are all zeros (lost write, stale hole or unwritten extent read as zeros?)\n";
        }
        long position = offset + first;
        for (int i = log.size() - 1; i >= 0; i--) {
            LoggedOp entry = log.get(i);
            Op op = entry.op();
            boolean writes = op.kind() == OpKind.WRITE || op.kind() == OpKind.MAP_WRITE;
            if (writes && op.covers(position)) {
                int count = (int) Math.min(Math.min(16, end - first), op.end() - position);
                if (WritePattern.matches(entry.number(), position, actual, first, count)) {
                    return String.format("fsx: the wrong bytes at 0x%x are what operation %d (%s) wrote there%n",
                            position, entry.number(), op.describe().replaceAll("\\s+", " "));
                }
            }
        }
        return "fsx: the wrong bytes match no write in the log\n";
    }

    private static void appendLog(StringBuilder out, List<LoggedOp> log) {
        out.append(String.format("fsx: last %d operations (oldest first):%n", log.size()));
        for (LoggedOp entry : log) {
            out.append(entry.describe()).append('\n');
        }
    }
}
