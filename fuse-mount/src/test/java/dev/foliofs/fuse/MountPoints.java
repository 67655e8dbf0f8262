package dev.foliofs.fuse;

import dev.foliofs.fuse.mount.MountTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
    public static boolean isMounted(Path dir) {
        return MountTable.isMounted(dir);
    }

    public static void forceUnmount(Path dir) {
        MountTable.forceUnmount(dir);
    }
}
