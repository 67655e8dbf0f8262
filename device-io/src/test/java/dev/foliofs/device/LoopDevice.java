package dev.foliofs.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * A loop device attached to an image file for the length of a test ({@code losetup -f --show}),
 * detached again by {@link #close()}. Use in try-with-resources or close it in @AfterEach so no
 * loop device outlives the test run.
 */
public final class LoopDevice implements AutoCloseable {
    private final Path node;
    private boolean detached;

    private LoopDevice(Path node) {
        this.node = node;
    }

    /** True if this machine can attach loop devices (losetup present, running as root). */
    public static boolean available() {
        return Files.isExecutable(Paths.get("/usr/sbin/losetup")) || Files.isExecutable(Paths.get("/sbin/losetup"))
                ? Files.exists(Paths.get("/dev/loop-control")) && "root".equals(System.getProperty("user.name"))
                : false;
    }

    /** Attaches {@code image} to a free loop device with 512-byte sectors. */
    public static LoopDevice attach(Path image) throws IOException {
        return attach(image, 512);
    }

    /** Attaches {@code image} with the given logical sector size (512 .. 4096). */
    public static LoopDevice attach(Path image, int sectorSize) throws IOException {
        String out = run(List.of("losetup", "-f", "--show", "--sector-size", Integer.toString(sectorSize),
                image.toAbsolutePath().toString()));
        return new LoopDevice(Paths.get(out.trim()));
    }

    public Path node() {
        return node;
    }

    @Override
    public void close() throws IOException {
        if (!detached) {
            detached = true;
            run(List.of("losetup", "-d", node.toString()));
        }
    }

    private static String run(List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>(command);
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }
}
