package dev.foliofs.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code foliofs bench --quick} for real: loop devices, mkfs, kernel and FUSE mounts, fio. Needs
 * root and loop devices (CI has both). Asserts the table is complete, never a timing.
 */
class BenchCommandEndToEndTest {

    private static final List<String> ROWS = List.of(
            "sequential write 1 MiB + fsync", "sequential read 1 MiB, cold", "random read 4 KiB, QD1",
            "random write 4 KiB, QD1", "random read 4 KiB, 4 jobs", "random write 4 KiB, 4 jobs",
            "create empty files", "stat files", "unlink files");

    private final Path work = Path.of("target", "bench-e2e").toAbsolutePath();

    @BeforeEach
    void needsRootAndLoopDevices() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Files.exists(Path.of("/dev/loop-control")), "needs loop devices");
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs FUSE");
    }

    @AfterEach
    void nothingIsLeftMountedOrAttached() throws IOException, InterruptedException {
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
        Process losetup = new ProcessBuilder("losetup", "-a").redirectErrorStream(true).start();
        String loops = new String(losetup.getInputStream().readAllBytes());
        losetup.waitFor();
        assertThat(mounts).doesNotContain(work.toString());
        assertThat(loops).doesNotContain(work.toString());
    }

    @Test
    void quickBenchPrintsACompleteTableForEveryFilesystem() throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path json = work.resolveSibling("bench-e2e.json");
        CommandLine cmd = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int status = cmd.execute("--quick", "--runtime", "1", "--files", "500", "--filesystems", "ext4,fuse2fs",
                "--work-dir", work.toString(), "--json", json.toString());

        assertThat(status).as("stderr:%n%s%nstdout:%n%s", err, out).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(2).split("\\s{2,}")).containsExactly("job", "unit", "ext4", "fuse2fs");
        for (String row : ROWS) {
            String line = lines.stream().filter(l -> l.startsWith(row)).findFirst().orElseThrow();
            String[] cells = line.split("\\s{2,}");
            assertThat(cells).as(line).hasSize(4);
            assertThat(cells[2]).as(line).matches("[0-9.]+");
            assertThat(cells[3]).as(line).matches("[0-9.]+");
        }
        assertThat(err.toString()).contains("bench: ext4: mounting", "bench: fuse2fs: metadata job");
        assertThat(Files.readString(json)).contains("\"failures\": {}");
        assertThat(work).doesNotExist();
    }
}
