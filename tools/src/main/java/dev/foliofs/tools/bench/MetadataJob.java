package dev.foliofs.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.BooleanSupplier;

/**
 * The metadata job, run from the bench process itself: create {@code files} empty files in one
 * new directory, stat each, unlink each. Each phase is timed on its own, in seconds.
 */
final class MetadataJob {

    /** Elapsed seconds of each phase. */
    record Times(double createSeconds, double statSeconds, double unlinkSeconds) {
    }

    private MetadataJob() {
    }

    /**
     * Runs the three phases in {@code mountPoint}. {@code stop} is asked before every file
     * operation; when it answers true the job throws IOException at once (the bench is being
     * interrupted and the filesystem is about to go away).
     */
    static Times run(Path mountPoint, int files, BooleanSupplier stop) throws IOException {
        checkStop(stop);
        Path dir = Files.createDirectory(mountPoint.resolve("metadata"));
        Path[] paths = new Path[files];
        for (int i = 0; i < files; i++) {
            paths[i] = dir.resolve("f" + i);
        }
        long t0 = System.nanoTime();
        for (Path p : paths) {
            checkStop(stop);
            Files.createFile(p);
        }
        long t1 = System.nanoTime();
        long sizes = 0;
        for (Path p : paths) {
            checkStop(stop);
            sizes += Files.readAttributes(p, BasicFileAttributes.class).size();
        }
        long t2 = System.nanoTime();
        for (Path p : paths) {
            checkStop(stop);
            Files.delete(p);
        }
        long t3 = System.nanoTime();
        Files.delete(dir);
        if (sizes != 0) {
            throw new IOException("empty files reported " + sizes + " bytes in total");
        }
        return new Times((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
    }

    private static void checkStop(BooleanSupplier stop) throws IOException {
        if (stop.getAsBoolean()) {
            throw new IOException("interrupted: metadata job stopped");
        }
    }
}
