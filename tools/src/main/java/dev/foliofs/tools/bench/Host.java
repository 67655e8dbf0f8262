package dev.foliofs.tools.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The machine the bench drives: commands it runs to completion, daemons it starts (FUSE
 * filesystems in the foreground), and the mount table. The seam that lets tests replace the
 * machine with fakes and check what the bench ran and in which order.
 */
interface Host {

    /**
     * Runs a command to completion and returns its standard output. Throws IOException naming
     * the command, its exit status and its standard error when it exits non-zero, or at once
     * once {@link #stopCommands} was called: nothing new starts after an interrupt.
     */
    String run(List<String> command) throws IOException;

    /** Like {@link #run} but also after {@link #stopCommands}: for the commands that undo (umount, losetup -d). */
    String cleanup(List<String> command) throws IOException;

    /**
     * Refuses every later {@link #run} and {@link #start}, and ends every command started by
     * {@link #run} that is still running (not daemons: they end when their filesystem is
     * unmounted). Called when the bench is interrupted, before the teardown.
     */
    void stopCommands();

    /** Starts a long-running command with its output appended to {@code log}; refused after {@link #stopCommands}. */
    Daemon start(List<String> command, Path log) throws IOException;

    /** True when something is mounted exactly at {@code mountPoint}. */
    boolean isMounted(Path mountPoint);

    /** True when the program is found on the PATH. */
    boolean hasProgram(String name);

    /** Writes caches back and drops the kernel's page, dentry and inode caches (best effort). */
    void dropCaches();

    /** A process started by {@link #start}. */
    interface Daemon {
        boolean isAlive();

        /** Waits up to {@code timeout} for the process to exit; true when it has. */
        boolean waitFor(Duration timeout) throws InterruptedException;

        /** Ends the process (SIGTERM, then SIGKILL if it does not go). */
        void kill();

        /** The process id, for messages. */
        long pid();
    }
}
