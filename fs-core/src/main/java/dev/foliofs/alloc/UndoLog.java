package dev.foliofs.alloc;

import java.util.ArrayDeque;

/**
 * Inverse steps of the in-memory changes made since the running metadata operation began,
 * so that a failed operation can put the allocator's indexes back exactly as they were.
 */
final class UndoLog {
    private final ArrayDeque<Runnable> steps = new ArrayDeque<>();
    private boolean replaying;

    /** Remembers how to undo a change just made; ignored while undoing. */
    void record(Runnable inverse) {
        if (!replaying) {
            steps.push(inverse);
        }
    }

    /** Undoes every recorded change, newest first, and forgets them. */
    void rollback() {
        replaying = true;
        try {
            while (!steps.isEmpty()) {
                steps.pop().run();
            }
        } finally {
            replaying = false;
        }
    }

    /** Accepts every recorded change. */
    void forget() {
        steps.clear();
    }

    boolean isEmpty() {
        return steps.isEmpty();
    }
}
