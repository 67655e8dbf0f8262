package dev.foliofs.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * fio with data verification through a real FUSE mount: sequential 1 MiB writes, and random
 * 4 KiB writes, each as 4 jobs in parallel on their own files, every block checked with crc32c
 * when read back right after the writes; then the image is unmounted, mounted again and every
 * block is read and verified once more ({@code verify_only}), so those reads come from the
 * device through foliofs and not from the kernel's page cache. verify_fatal: the first bad block
 * fails fio. The throughput is printed, never asserted.
 */
class FioThroughMountTest {

    static final String JOBS = """
            [global]
            directory=%s
            ioengine=psync
            verify=crc32c
            verify_fatal=1
            do_verify=1
            end_fsync=1
            group_reporting=1
            numjobs=4
            %s

            [seq-1m]
            rw=write
            bs=1M
            size=32m
            stonewall

            [rand-4k]
            rw=randwrite
            bs=4k
            size=8m
            stonewall
            """;
    static final long SEQ_KIB = 4 * 32 * 1024;
    static final long RAND_KIB = 4 * 8 * 1024;

    @Test
    void fio_verifies_sequential_and_random_writes_of_four_parallel_jobs_before_and_after_a_remount()
            throws Exception {
        Fio.requireInstalled();
        Path dir = Paths.get("target", "e2e", "fio-" + ProcessHandle.current().pid()).toAbsolutePath();
        Files.createDirectories(dir);
        String options = "cache_size=4m,metrics=off";
        try (FoliofsMountProcess mount = FoliofsMountProcess.mkfsAndMount(dir, 1L << 30, options)) {
            Path jobFile = dir.resolve("write-verify.fio");
            Files.writeString(jobFile, String.format(JOBS, mount.mountpoint(), ""));

            Fio.Run run = Fio.run(jobFile, dir.resolve("write-verify.log"), 15);

            assertVerified(run, mount);
            for (Fio.Result r : run.results()) {
                assertThat(r.writeKiB()).as(r.describe()).isEqualTo(r.job().equals("seq-1m") ? SEQ_KIB : RAND_KIB);
                assertThat(r.readKiB()).as("every block written is read back and verified: %s", r.describe())
                        .isEqualTo(r.writeKiB());
                System.out.println("fio through the mount, " + r.describe());
            }
        }
        try (FoliofsMountProcess mount = FoliofsMountProcess.mount(dir, options)) {
            Path jobFile = dir.resolve("verify-only.fio");
            Files.writeString(jobFile, String.format(JOBS, mount.mountpoint(), "verify_only=1"));

            Fio.Run run = Fio.run(jobFile, dir.resolve("verify-only.log"), 15);

            assertVerified(run, mount);
            for (Fio.Result r : run.results()) {
                assertThat(r.writeKiBps()).as("nothing is written again: %s", r.describe()).isZero();
                assertThat(r.readKiB()).as("every block is verified after the remount: %s", r.describe())
                        .isEqualTo(r.job().equals("seq-1m") ? SEQ_KIB : RAND_KIB);
                System.out.printf("fio through the mount after a remount, %s: verify read %.1f MiB/s, %d IOPS%n",
                        r.job(), r.readMiBps(), r.readIops());
            }
        }
    }

    private static void assertVerified(Fio.Run run, FoliofsMountProcess mount) throws Exception {
        assertThat(run.exit()).as("fio output:%n%s%nmount log:%n%s", run.output(), mount.log()).isZero();
        assertThat(run.output()).doesNotContain("verify: bad").doesNotContain("crc32c: wanted");
        assertThat(run.results()).extracting(Fio.Result::job).containsExactly("seq-1m", "rand-4k");
        assertThat(run.results()).allSatisfy(r -> assertThat(r.error()).as(r.describe()).isZero());
        assertThat(mount.isServing()).as(mount.log()).isTrue();
    }
}
