package dev.foliofs.tools.bench;

import java.time.Duration;

/**
 * Sizes of one bench run. {@code fileBytes}: the file written sequentially and then read and
 * rewritten at random; {@code randomRuntime}: how long each random job runs; {@code files}: how
 * many empty files the metadata job creates, stats and unlinks; {@code directRandom}: random
 * jobs use O_DIRECT so they measure the filesystem rather than the page cache.
 */
record Settings(long fileBytes, Duration randomRuntime, int files, boolean directRandom) {

    static final long MIB = 1024L * 1024;

    /** The full bench: 1 GiB file, 20 s per random job, 20,000 files. */
    static Settings full() {
        return new Settings(1024 * MIB, Duration.ofSeconds(20), 20_000, true);
    }

    /** The CI bench: 64 MiB file, 2 s per random job, 2,000 files. */
    static Settings quick() {
        return new Settings(64 * MIB, Duration.ofSeconds(2), 2_000, true);
    }

    Settings {
        if (fileBytes < MIB || fileBytes % MIB != 0) {
            throw new IllegalArgumentException("file size must be a whole number of MiB, at least 1 MiB: " + fileBytes);
        }
        if (randomRuntime.isNegative() || randomRuntime.isZero()) {
            throw new IllegalArgumentException("random job runtime must be positive");
        }
        if (files < 1) {
            throw new IllegalArgumentException("file count must be positive");
        }
    }

    /**
     * The size of every contender's device: room for the file twice over plus 256 MiB for
     * metadata and journals, at least 512 MiB.
     */
    long deviceBytes() {
        return Math.max(512 * MIB, 2 * fileBytes + 256 * MIB);
    }

    Settings withFileBytes(long bytes) {
        return new Settings(bytes, randomRuntime, files, directRandom);
    }

    Settings withRandomRuntime(Duration runtime) {
        return new Settings(fileBytes, runtime, files, directRandom);
    }

    Settings withFiles(int count) {
        return new Settings(fileBytes, randomRuntime, count, directRandom);
    }

    Settings withDirectRandom(boolean direct) {
        return new Settings(fileBytes, randomRuntime, files, direct);
    }
}
