package dev.foliofs.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.tools.Foliofs;
import dev.foliofs.tools.fsx.OpKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A mount with {@code -o dax}: file data goes straight between FUSE and the memory-mapped
 * device, with no page cache. Two fsx processes with every kind of operation must pass, the
 * DAX counters must show the data went that way, and after the unmount fsck must find the
 * device clean.
 */
class DaxThroughMountTest {
    static final int PROCESSES = 2;
    static final int OPS_PER_PROCESS = 2500;

    @Test
    void fsx_passes_on_a_dax_mount_and_the_device_is_clean_after_it() throws Exception {
        Path dir = Paths.get("target", "e2e", "dax-" + ProcessHandle.current().pid()).toAbsolutePath();
        Files.createDirectories(dir);
        List<FsxProcess> running = new ArrayList<>();
        try (FoliofsMountProcess mount = FoliofsMountProcess.mkfsAndMount(dir, 512L << 20, "dax")) {
            for (int i = 0; i < PROCESSES; i++) {
                running.add(FsxProcess.start(dir.resolve("fsx-" + i + ".log"),
                        "--seed", Long.toString(4242 + i), "--ops", Integer.toString(OPS_PER_PROCESS),
                        "--max-file-size", "8m", "--max-op-size", "128k",
                        "--ops-enabled", OpKind.allLabels(),
                        mount.mountpoint().resolve("dax-file-" + i).toString()));
            }
            for (FsxProcess fsx : running) {
                int exit = fsx.await(10);
                assertThat(exit).as("fsx output:%n%s%nmount log:%n%s", fsx.output(), mount.log()).isZero();
            }
            assertThat(mount.metric("foliofs_dax_bytes_total"))
                    .as("data went through the DAX path").isGreaterThan(0);
            assertThat(mount.metric("foliofs_cache_misses_total"))
                    .as("no folio cache on a DAX mount").isLessThanOrEqualTo(0);
        } finally {
            for (FsxProcess fsx : running) {
                if (fsx.isAlive()) {
                    fsx.kill();
                }
            }
        }
        int fsck = Foliofs.commandLine().execute("fsck", dir.resolve("image").toString());
        assertThat(fsck).as("fsck exit status after the DAX mount").isZero();
    }
}
