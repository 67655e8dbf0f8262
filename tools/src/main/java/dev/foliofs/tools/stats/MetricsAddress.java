package dev.foliofs.tools.stats;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a running mount serves its metrics. The mount writes
 * {@code RUN_DIR/metrics/<URL-encoded real path of the mount point>.addr} holding
 * {@code http://127.0.0.1:PORT/metrics}, and removes it at unmount; RUN_DIR is /run/foliofs
 * unless FOLIOFS_RUN_DIR says otherwise.
 */
final class MetricsAddress {

    static final String DEFAULT_RUN_DIR = "/run/foliofs";

    private MetricsAddress() {
    }

    /** The run directory: {@code option} if given, else $FOLIOFS_RUN_DIR, else /run/foliofs. */
    static Path runDir(Path option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv("FOLIOFS_RUN_DIR");
        return Path.of(env != null && !env.isBlank() ? env : DEFAULT_RUN_DIR);
    }

    /** The address file of the mount at {@code realMountPoint} (already resolved with toRealPath). */
    static Path file(Path runDir, Path realMountPoint) {
        return dev.foliofs.fuse.mount.MetricsAddress.addressFile(runDir.resolve("metrics"), realMountPoint);
    }

    /**
     * Finds the metrics URL of the mount at {@code mountPoint}. Throws IOException with a message
     * for the user when the directory does not exist or no foliofs mount there has published an
     * address.
     */
    static URI find(Path runDir, Path mountPoint) throws IOException {
        Path real;
        try {
            real = mountPoint.toRealPath();
        } catch (NoSuchFileException e) {
            throw new IOException(mountPoint + ": no such directory");
        }
        Path file = file(runDir, real);
        String text;
        try {
            text = Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            throw new IOException("no running foliofs mount at " + real + " (no metrics address " + file + ")");
        }
        try {
            URI uri = URI.create(text);
            if (!"http".equals(uri.getScheme())) {
                throw new IllegalArgumentException("not http");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " does not hold a metrics URL: '" + text + "'");
        }
    }
}
