package dev.foliofs.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C in the middle of a bench: the bench runs in its own JVM, gets SIGINT while fio writes
 * to a mounted FUSE filesystem, and must leave no mount, no loop device and no work directory.
 */
class BenchInterruptTest {

    private final Path work = Path.of("target", "bench-interrupt").toAbsolutePath();
    private Process bench;

    @AfterEach
    void stopTheBenchIfStillRunning() throws InterruptedException {
        if (bench != null && bench.isAlive()) {
            bench.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Test
    void sigintUnmountsDetachesAndDeletesEverything() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Files.exists(Path.of("/dev/loop-control")) && Files.exists(Path.of("/dev/fuse")), "needs loop and FUSE");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        bench = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "dev.foliofs.tools.BenchCommand", "--quick", "--filesystems", "fuse2fs", "--work-dir", work.toString())
                .redirectErrorStream(true).start();

        // the event to interrupt at: fio has started writing on the mounted filesystem
        List<String> seen = new ArrayList<>();
        BufferedReader lines = new BufferedReader(new InputStreamReader(bench.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = lines.readLine()) != null; ) {
            seen.add(line);
            if (line.contains("fuse2fs: sequential write 1 MiB + fsync ...")) {
                break;
            }
        }
        assertThat(seen).as("the bench never started writing").anyMatch(l -> l.contains("sequential write"));
        assertThat(run("kill", "-INT", Long.toString(bench.pid()))).isEmpty();
        for (String line; (line = lines.readLine()) != null; ) {
            seen.add(line);
        }
        assertThat(bench.waitFor(180, TimeUnit.SECONDS)).isTrue();
        // the run stopped at the interrupt: no later job started (a partial table may still be printed)
        assertThat(seen).as(String.join("\n", seen)).noneMatch(l -> l.endsWith("cold ..."));

        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(work.toString());
        assertThat(run("losetup", "-a")).doesNotContain(work.toString());
        assertThat(work).doesNotExist();
    }
}
