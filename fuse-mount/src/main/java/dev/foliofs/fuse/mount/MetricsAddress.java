package dev.foliofs.fuse.mount;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a running mount says where its metrics are: the file
 * {@code /run/foliofs/metrics/<URL-encoded absolute real mount point>.addr} holding
 * {@code http://HOST:PORT/metrics} and a newline. Written once the mount is live, removed at
 * unmount. {@code foliofs stats MOUNTPOINT} finds the endpoint by the same rule.
 */
public final class MetricsAddress {
    /** The directory of address files; a system property moves it (tests, unprivileged runs). */
    public static final String DIRECTORY_PROPERTY = "foliofs.metrics.dir";
    private static final String DEFAULT_DIRECTORY = "/run/foliofs/metrics";

    private MetricsAddress() {
    }

    /** The address file of the mount at {@code mountpoint} (symbolic links resolved). */
    public static Path addressFile(Path mountpoint) {
        Path abs = mountpoint.toAbsolutePath().normalize();
        try {
            abs = abs.toRealPath();
        } catch (IOException e) {
            // the mount point is gone or unreadable: the absolute path is the best name left
        }
        return addressFile(Path.of(System.getProperty(DIRECTORY_PROPERTY, DEFAULT_DIRECTORY)), abs);
    }

    /** The address file in {@code directory} of the mount at {@code realMountpoint} (already resolved). */
    public static Path addressFile(Path directory, Path realMountpoint) {
        return directory.resolve(URLEncoder.encode(realMountpoint.toString(), StandardCharsets.UTF_8) + ".addr");
    }

    static void write(Path file, String url) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, url + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
