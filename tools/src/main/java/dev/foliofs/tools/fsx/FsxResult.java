package dev.foliofs.tools.fsx;

import java.util.Map;
import java.util.Set;

/**
 * How one exerciser ended: {@code opsRun} operations done, counted by kind; kinds disabled
 * because the filesystem does not support them; and for a failure, the report.
 */
public record FsxResult(String file, long seed, Status status, long opsRun, Map<OpKind, Long> counts,
                        Set<OpKind> unsupported, String report) {

    public enum Status {
        PASSED(0), MISMATCH(1), ERROR(3), STOPPED(0);

        private final int exitCode;

        Status(int exitCode) {
            this.exitCode = exitCode;
        }

        /** The process exit code for this outcome: 1 for a mismatch, 3 for an I/O or setup error. */
        public int exitCode() {
            return exitCode;
        }
    }

    public FsxResult {
        counts = Map.copyOf(counts);
        unsupported = Set.copyOf(unsupported);
    }

    /** "read 40, write 38, ..." in operation order, kinds never run left out. */
    public String countsText() {
        StringBuilder out = new StringBuilder();
        for (OpKind kind : OpKind.values()) {
            Long n = counts.get(kind);
            if (n != null && n > 0) {
                out.append(out.length() == 0 ? "" : ", ").append(kind.label()).append(' ').append(n);
            }
        }
        return out.toString();
    }
}
