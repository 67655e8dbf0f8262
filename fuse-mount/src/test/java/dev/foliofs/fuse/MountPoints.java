package dev.foliofs.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Mount points for tests: each test gets its own directory under {@code target/mnt}, and
 * {@link #forceUnmount} takes down whatever is still mounted there (fusermount -u, then a lazy
 * umount) so that a failing test leaves no mount behind.
 */
public final class MountPoints {
    private MountPoints() {
    }

    public static Path fresh(String name) throws IOException {
        Path dir = Path.of("target", "mnt", name + "-" + ProcessHandle.current().pid())
                .toAbsolutePath();
        forceUnmount(dir);
        Files.createDirectories(dir);
        return dir;
    }

    /** True when {@code dir} is a mount point according to the kernel. */
    public static boolean isMounted(Path dir) throws IOException {
        String target = " " + dir.toAbsolutePath().normalize() + " ";
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            if (line.contains(target)) {
                return true;
            }
        }
        return false;
    }

    public static void forceUnmount(Path dir) {
        try {
            if (!isMounted(dir)) {
                return;
            }
            if (!run("fusermount", "-u", dir.toString())) {
                run("umount", "-l", dir.toString());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
