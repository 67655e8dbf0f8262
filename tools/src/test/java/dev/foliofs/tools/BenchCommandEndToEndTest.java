package dev.foliofs.tools;

import static org.assertj.core.api.Assertions.assertThat;

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
        // the test command runs as root with loop devices and FUSE: a missing one is a failure, not a skip
        assertThat(System.getProperty("user.name")).as("the bench needs root").isEqualTo("root");
        assertThat(Path.of("/dev/loop-control")).as("the bench needs loop devices").exists();
        assertThat(Path.of("/dev/fuse")).as("the bench needs FUSE").exists();
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
    void quickBenchPrintsACompleteTableWithRatiosWhenFoliofsRuns() throws IOException {
        List<String> lines = quickBench("ext4,fuse2fs,foliofs");

        assertThat(lines.get(1)).contains("ratio > 1 means foliofs is better");
        assertThat(lines.get(2).split("\\s{2,}"))
                .containsExactly("job", "unit", "ext4", "fuse2fs", "foliofs", "foliofs/ext4", "foliofs/fuse2fs");
        assertEveryCellHasANumber(lines, 7);
    }

    /** foliofs runs in its own JVM from this test's classpath, as bin/foliofs would run it. */
    private static String foliofsLauncher() {
        return String.join(" ", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dfile.encoding=UTF-8", "-Dsun.jnu.encoding=UTF-8",
                "-cp", System.getProperty("java.class.path"), Foliofs.class.getName());
    }

    /** Runs the quick bench on {@code filesystems}, requires success and a clean work directory, returns stdout lines. */
    private List<String> quickBench(String filesystems) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path json = work.resolveSibling("bench-e2e.json");
        CommandLine cmd = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));

        int status = cmd.execute("--quick", "--runtime", "1", "--files", "500", "--filesystems", filesystems,
                "--foliofs-command", foliofsLauncher(), "--work-dir", work.toString(), "--json", json.toString());

        assertThat(status).as("stderr:%n%s%nstdout:%n%s", err, out).isZero();
        for (String fs : filesystems.split(",")) {
            assertThat(err.toString()).contains("bench: " + fs + ": mounting", "bench: " + fs + ": metadata job");
        }
        assertThat(Files.readString(json)).contains("\"failures\": {}");
        assertThat(work).doesNotExist();
        return out.toString().lines().toList();
    }

    private static void assertEveryCellHasANumber(List<String> lines, int columns) {
        for (String row : ROWS) {
            String line = lines.stream().filter(l -> l.startsWith(row)).findFirst().orElseThrow();
            String[] cells = line.split("\\s{2,}");
            assertThat(cells).as(line).hasSize(columns);
            for (int i = 2; i < columns; i++) {
                assertThat(cells[i]).as(line).matches("[0-9.]+x?");
            }
        }
    }
}
