package dev.foliofs.tools.fsx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last {@code capacity} operations, oldest first: what fsx prints when a check fails. */
final class OpLog {
    private final int capacity;
    private final ArrayDeque<LoggedOp> entries = new ArrayDeque<>();

    OpLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("log size must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    void add(LoggedOp entry) {
        if (entries.size() == capacity) {
            entries.removeFirst();
        }
        entries.addLast(entry);
    }

    /** Replaces the newest entry, once the operation has run and its size effect is known. */
    void replaceLast(LoggedOp entry) {
        entries.removeLast();
        entries.addLast(entry);
    }

    /** Forgets the newest entry: its operation turned out unsupported and did nothing. */
    void removeLast() {
        entries.removeLast();
    }

    List<LoggedOp> entries() {
        return new ArrayList<>(entries);
    }
}
