package dev.foliofs.fsck;

import java.util.List;

/**
 * The outcome of a check. Exit codes follow e2fsck: 0 nothing wrong, 1 problems found and all
 * corrected, 4 problems left uncorrected, 8 operational error (the check could not run).
 */
public record FsckReport(List<Problem> problems, List<String> notes, String operationalError) {
    public static final int CLEAN = 0;
    public static final int CORRECTED = 1;
    public static final int UNCORRECTED = 4;
    public static final int OPERATIONAL_ERROR = 8;

    public FsckReport {
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    public boolean clean() {
        return operationalError == null && problems.isEmpty();
    }

    public int exitCode() {
        if (operationalError != null) {
            return OPERATIONAL_ERROR;
        }
        if (problems.stream().anyMatch(p -> !p.corrected())) {
            return UNCORRECTED;
        }
        return problems.isEmpty() ? CLEAN : CORRECTED;
    }
}
