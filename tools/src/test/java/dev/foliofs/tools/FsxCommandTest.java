package dev.foliofs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicInteger;

import dev.foliofs.tools.fsx.Fallocate;
import dev.foliofs.tools.fsx.OpHook;
import dev.foliofs.tools.fsx.OpKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code foliofs fsx} on a local file under target/, on whatever filesystem holds it: every
 * operation kind the host supports, several seeds, parallel files, a planted corruption, and
 * the handling of fallocate modes a filesystem lacks.
 */
class FsxCommandTest {
    private Path dir;

    @BeforeEach
    void directory(TestInfo test) throws IOException {
        dir = Paths.get("target", "fsx-test", test.getTestMethod().orElseThrow().getName()
                + test.getDisplayName().replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_+|_+$", "")).toAbsolutePath();
        Files.createDirectories(dir);
    }

    /** What a run printed and how it exited. */
    record Run(int exit, String out, String err) {
    }

    static Run fsx(FsxCommand command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Run fsx(String... args) {
        return fsx(new FsxCommand(), args);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2026, 77_777})
    void every_operation_kind_passes_on_a_local_file(long seed) {
        Path file = dir.resolve("file");
        Run run = fsx("--seed", Long.toString(seed), "--ops", "2000", file.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("seed " + seed).contains("PASSED 2000 operations");
        for (OpKind kind : OpKind.values()) {
            assertThat(run.out()).as("summary counts %s", kind.label()).containsPattern(
                    "[:,] " + kind.label() + " \\d+");
        }
    }

    @Test
    void a_seed_replays_the_same_run() throws IOException {
        Run first = fsx("--seed", "5", "--ops", "400", "--verbose", dir.resolve("a").toString());
        Run second = fsx("--seed", "5", "--ops", "400", "--verbose", dir.resolve("b").toString());

        assertThat(first.exit()).isZero();
        assertThat(first.out().replace(dir.resolve("a").toString(), "F"))
                .isEqualTo(second.out().replace(dir.resolve("b").toString(), "F"));
        assertThat(Files.readAllBytes(dir.resolve("a"))).isEqualTo(Files.readAllBytes(dir.resolve("b")));
    }

    @Test
    void several_files_run_in_parallel_each_with_its_own_seed_and_model() {
        Run run = fsx("--seed", "100", "--ops", "800", "--files", "3", "--progress", "400",
                "--max-file-size", "1m", "--max-op-size", "128k", dir.resolve("f").toString());

        assertThat(run.exit()).as(run.err()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(run.out()).contains(dir.resolve("f." + i) + ": PASSED 800 operations (seed " + (100 + i) + ")")
                    .contains(dir.resolve("f." + i) + ": 400/800 operations");
        }
    }

    @Test
    void a_flipped_byte_is_reported_with_its_range_and_the_operation_log_and_exit_1() {
        // after operation 200 one byte in the middle of the file changes behind fsx's back
        AtomicInteger flippedAt = new AtomicInteger(-1);
        OpHook flipper = (number, op, channel) -> {
            if (number == 200) {
                long offset = channel.size() / 2;
                ByteBuffer b = ByteBuffer.allocate(1);
                channel.read(b, offset);
                b.put(0, (byte) (b.get(0) ^ 0x40));
                channel.write(b.flip(), offset);
                flippedAt.set((int) offset);
            }
        };
        Run run = fsx(new FsxCommand(Fallocate.NATIVE, flipper), "--seed", "9", "--ops", "3000", "--log-size", "30",
                "--ops-disabled", "truncate,punch-hole,zero-range", dir.resolve("file").toString());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(flippedAt.get()).isPositive();
        String flipped = String.format("0x%x", flippedAt.get());
        assertThat(run.err())
                .contains("MISMATCH in " + dir.resolve("file") + " (seed 9)")
                .contains("first differing offset " + flipped + "; 1 bytes differ in " + flipped + " thru " + flipped)
                .containsPattern("fsx: 0x[0-9a-f]+ +expected( [0-9a-f]{2})+")
                .contains("^^")
                .contains("last 30 operations (oldest first):")
                .containsPattern("FAILED after \\d+ operations \\(seed 9\\)");
        assertThat(run.err().lines().filter(line -> line.matches(" *\\d+ [a-z].*size 0x.*"))).hasSize(30);
    }

    @Test
    void a_wrong_size_is_reported() {
        OpHook grower = (number, op, channel) -> {
            if (number == 50) {
                channel.write(ByteBuffer.wrap(new byte[] {1}), 300_000);
            }
        };
        Run run = fsx(new FsxCommand(Fallocate.NATIVE, grower), "--seed", "3", "--ops", "100",
                dir.resolve("file").toString());

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err()).contains("size check after operation 50").contains("actual 0x493e1");
    }

    @Test
    void a_stale_write_is_traced_to_the_operation_that_wrote_it() {
        // the first write's bytes are kept; when a later write overlaps them, the hook puts the
        // old bytes back over the overlap, as a lost write would leave them. With seed 11 that
        // is operation 8, and nothing writes there again before the final check after op 10.
        byte[][] firstWrite = new byte[1][];
        long[] firstOffset = new long[1];
        boolean[] done = new boolean[1];
        OpHook replay = (number, op, channel) -> {
            if (op.kind() != OpKind.WRITE || done[0]) {
                return;
            }
            if (firstWrite[0] == null) {
                ByteBuffer data = ByteBuffer.allocate((int) op.length());
                channel.read(data, op.offset());
                firstWrite[0] = data.array();
                firstOffset[0] = op.offset();
                return;
            }
            long from = Math.max(op.offset(), firstOffset[0]);
            long to = Math.min(op.end(), firstOffset[0] + firstWrite[0].length);
            if (from < to) {
                channel.write(ByteBuffer.wrap(firstWrite[0], (int) (from - firstOffset[0]), (int) (to - from)), from);
                done[0] = true;
            }
        };
        Run run = fsx(new FsxCommand(Fallocate.NATIVE, replay), "--seed", "11", "--ops", "10",
                "--ops-enabled", "write,read", "--max-file-size", "64k", "--max-op-size", "16k",
                dir.resolve("file").toString());

        assertThat(done[0]).as("a later write overlapped the first").isTrue();
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err()).contains("found by the final check")
                .containsPattern("the wrong bytes at 0x[0-9a-f]+ are what operation 1 \\(write 0xb6f4 ");
    }

    @Test
    void an_unsupported_fallocate_mode_is_disabled_with_a_notice() {
        Fallocate noPunch = (fd, mode, offset, length) -> (mode & 0x02) != 0 ? 95 : Fallocate.NATIVE.call(fd, mode,
                offset, length);
        Run run = fsx(new FsxCommand(noPunch, OpHook.NONE), "--seed", "4", "--ops", "500",
                dir.resolve("file").toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).containsOnlyOnce("punch-hole is not supported by the filesystem")
                .contains("disabled for the rest of the run")
                .contains("PASSED 500 operations")
                .contains("not supported by the filesystem: punch-hole")
                .doesNotContain(", punch-hole ");
    }

    @Test
    void an_unsupported_mode_asked_for_by_name_fails_the_run() {
        Fallocate none = (fd, mode, offset, length) -> 95;
        Run run = fsx(new FsxCommand(none, OpHook.NONE), "--seed", "4", "--ops", "500",
                "--ops-enabled", "write,read,zero-range", dir.resolve("file").toString());

        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).contains("zero-range is not supported by the filesystem")
                .contains("asked for explicitly");
    }

    @Test
    void bad_usage_exits_2() {
        assertThat(fsx("--ops-enabled", "frobnicate", dir.resolve("f").toString()).exit()).isEqualTo(2);
        assertThat(fsx("--ops-enabled", "read", "--ops-disabled", "read", dir.resolve("f").toString()).exit())
                .isEqualTo(2);
        assertThat(fsx("--max-file-size", "lots", dir.resolve("f").toString()).exit()).isEqualTo(2);
    }

    @Test
    void sizes_take_binary_suffixes() {
        FsxCommand.SizeConverter sizes = new FsxCommand.SizeConverter();
        assertThat(sizes.convert("4096")).isEqualTo(4096);
        assertThat(sizes.convert("64k")).isEqualTo(65536);
        assertThat(sizes.convert("16M")).isEqualTo(16L << 20);
        assertThat(sizes.convert("2g")).isEqualTo(2L << 30);
    }

}
