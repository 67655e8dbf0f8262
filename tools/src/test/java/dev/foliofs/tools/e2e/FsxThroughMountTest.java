package dev.foliofs.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.foliofs.tools.fsx.OpKind;
import org.junit.jupiter.api.Test;

/**
 * fsx through a real FUSE mount whose page cache is far smaller than the files, so folios are
 * evicted all the time: several fsx processes, each on its own file with its own seed, run at
 * once, and every kind of operation (mapped ones, fallocate modes, punch hole, zero range,
 * truncate, fsync, reopen) must pass in each.
 */
class FsxThroughMountTest {
    static final int PROCESSES = 4;
    static final int OPS_PER_PROCESS = 5000;
    static final long FIRST_SEED = Long.getLong("foliofs.fsx.seed", 20261202L);
    private static final Pattern PASSED = Pattern.compile("PASSED (\\d+) operations \\(seed (\\d+)\\): (.*)");

    @Test
    void several_fsx_processes_pass_through_a_mount_with_a_cache_far_smaller_than_the_files() throws Exception {
        Path dir = Paths.get("target", "e2e", "fsx-" + ProcessHandle.current().pid()).toAbsolutePath();
        Files.createDirectories(dir);
        List<FsxProcess> running = new ArrayList<>();
        try (FoliofsMountProcess mount = FoliofsMountProcess.mkfsAndMount(dir, 1L << 30,
                "cache_size=1m")) {
            for (int i = 0; i < PROCESSES; i++) {
                running.add(FsxProcess.start(dir.resolve("fsx-" + i + ".log"),
                        "--seed", Long.toString(FIRST_SEED + i), "--ops", Integer.toString(OPS_PER_PROCESS),
                        "--max-file-size", "16m", "--max-op-size", "256k", "--progress", "2000",
                        "--ops-enabled", OpKind.allLabels(),
                        mount.mountpoint().resolve("file-" + i).toString()));
            }
            long total = 0;
            for (FsxProcess fsx : running) {
                int exit = fsx.await(15);
                String output = fsx.output();
                assertThat(exit).as("fsx output:%n%s%nmount log:%n%s", output, mount.log()).isZero();
                Matcher passed = PASSED.matcher(output);
                assertThat(passed.find()).as(output).isTrue();
                assertThat(Long.parseLong(passed.group(1))).isEqualTo(OPS_PER_PROCESS);
                for (OpKind kind : OpKind.values()) {
                    assertThat(passed.group(3)).as("%s ran in %s", kind.label(), output)
                            .containsPattern("(^|, )" + kind.label() + " [1-9]\\d*");
                }
                System.out.println("fsx through the mount, seed " + passed.group(2) + ": " + passed.group(3));
                total += Long.parseLong(passed.group(1));
            }
            System.out.printf("fsx through the mount: %d processes, %d operations in all, seeds %d..%d%n",
                    PROCESSES, total, FIRST_SEED, FIRST_SEED + PROCESSES - 1);
            assertThat(mount.isServing()).as(mount.log()).isTrue();
            double evictions = mount.metric("foliofs_cache_evictions_total");
            System.out.printf("fsx through the mount: page cache evictions %.0f, misses %.0f, hits %.0f%n",
                    evictions, mount.metric("foliofs_cache_misses_total"), mount.metric("foliofs_cache_hits_total"));
            assertThat(evictions).as("a 1 MiB cache under 16 MiB files evicts folios all the time")
                    .isGreaterThan(1000);
        } finally {
            for (FsxProcess fsx : running) {
                if (fsx.isAlive()) {
                    fsx.kill();
                }
            }
        }
    }
}
