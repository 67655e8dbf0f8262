package dev.foliofs.fuse.mount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What the kernel says is mounted, read from {@code /proc/self/mountinfo}, and the forced
 * unmount that tools and tests use to leave nothing behind. Mount points are compared as
 * absolute, normalised paths against the mount-point field (field 5, octal escapes undone), so
 * a path that merely contains another one never matches.
 */
public final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountTable() {
    }

    /** True when {@code dir} is a mount point. */
    public static boolean isMounted(Path dir) {
        return fsType(dir) != null;
    }

    /** True when {@code dir} is a mount point of type {@code type} (e.g. {@code fuse.foliofs}). */
    public static boolean isMounted(Path dir, String type) {
        return type.equals(fsType(dir));
    }

    /** The filesystem type mounted on {@code dir} (the last mount wins), or null. */
    public static String fsType(Path dir) {
        String target = dir.toAbsolutePath().normalize().toString();
        String type = null;
        try {
            for (String line : Files.readAllLines(MOUNTINFO)) {
                String[] fields = line.split(" ");
                int dash = line.indexOf(" - ");
                if (fields.length > 4 && dash > 0 && unescape(fields[4]).equals(target)) {
                    type = line.substring(dash + 3).split(" ", 2)[0];
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return type;
    }

    /**
     * Takes down whatever is mounted on {@code dir}: {@code fusermount -u}, then a lazy
     * {@code umount -l} if it is still there. Returns whether {@code dir} is free afterwards.
     */
    public static boolean forceUnmount(Path dir) {
        if (!isMounted(dir)) {
            return true;
        }
        if (!run("fusermount", "-u", dir.toString()) && isMounted(dir)) {
            run("umount", "-l", dir.toString());
        }
        return !isMounted(dir);
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    private static boolean run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
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
