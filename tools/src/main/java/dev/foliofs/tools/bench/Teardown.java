package dev.foliofs.tools.bench;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * Undo steps of a bench run, run last-registered first: unmount before detaching the loop
 * device, detach before deleting the image. Each step runs at most once, whether from the
 * normal path ({@link #close}), an early {@link #undo} of one step, or the JVM shutdown hook on
 * SIGINT/SIGTERM. A failing step is reported and the rest still run.
 */
final class Teardown implements AutoCloseable {

    /** An undo action. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** A registered undo step; {@link #undo} runs it now instead of at close. */
    final class Step {
        private final String name;
        private final Action action;

        private Step(String name, Action action) {
            this.name = name;
            this.action = action;
        }

        /** Runs this step now (if it has not run) and removes it from the stack. */
        void undo() throws Exception {
            synchronized (running) {
                boolean pending;
                synchronized (Teardown.this) {
                    pending = steps.remove(this);
                }
                if (pending) {
                    action.run();
                }
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    /**
     * Held while a step runs: the shutdown hook must not delete the work directory while the
     * main thread is still unmounting what lies inside it.
     */
    private final Object running = new Object();
    private final Consumer<String> report;
    private Thread hook;

    /** {@code report} receives one line per failed step. */
    Teardown(Consumer<String> report) {
        this.report = report;
    }

    /** Registers an undo step on top of the stack. */
    synchronized Step push(String name, Action action) {
        Step step = new Step(name, action);
        steps.push(step);
        return step;
    }

    /**
     * Runs the remaining steps when the JVM is asked to exit (Ctrl-C, SIGTERM) before
     * {@link #close}; {@code first} runs before them (to stop the commands still running, which
     * would keep a mount busy).
     */
    synchronized void installShutdownHook(Runnable first) {
        if (hook == null) {
            hook = new Thread(() -> {
                try {
                    first.run();
                } finally {
                    runAll();
                }
            }, "bench-teardown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /** Runs every remaining step, newest first, and removes the shutdown hook. */
    @Override
    public void close() {
        runAll();
        synchronized (this) {
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run: nothing left to remove
                }
                hook = null;
            }
        }
    }

    private void runAll() {
        synchronized (running) {
            runEach();
        }
    }

    private void runEach() {
        while (true) {
            Step step;
            synchronized (this) {
                step = steps.poll();
            }
            if (step == null) {
                return;
            }
            try {
                step.action.run();
            } catch (Exception e) {
                report.accept("cleanup: " + step.name + " failed: " + e.getMessage());
            }
        }
    }

    /** The names of the steps still to run, newest first (for tests and messages). */
    synchronized java.util.List<String> pending() {
        return steps.stream().map(s -> s.name).toList();
    }
}
