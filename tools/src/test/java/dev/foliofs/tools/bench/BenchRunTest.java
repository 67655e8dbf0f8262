package dev.foliofs.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order of what the bench does on the machine, with fake commands: no mounts, no devices. */
class BenchRunTest {

    @TempDir
    Path work;

    private final List<String> progress = new ArrayList<>();

    private static final Settings SMALL = new Settings(Settings.MIB, Duration.ofSeconds(1), 3, true);

    private ResultTable run(FakeHost host, List<Contender> contenders, boolean keep) throws Exception {
        return new BenchRun(host, contenders, SMALL, work.resolve("bench"), keep, progress::add).run();
    }

    private static List<String> fio(String... ids) {
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            out.add("fio --name=" + id);
        }
        return out;
    }

    @Test
    void eachFilesystemIsSetUpMeasuredAndTornDownInOrder() throws Exception {
        FakeHost host = new FakeHost();
        Path ext4Mnt = work.resolve("bench/ext4/mnt");
        Path fuseMnt = work.resolve("bench/fuse2fs/mnt");
        // the metadata job runs for real in the (unmounted) mount point directories
        ResultTable table = run(host, List.of(Contender.ext4(), Contender.fuse2fs()), false);

        List<String> expected = new ArrayList<>();
        expected.addAll(List.of("losetup --find", "mkfs.ext4 -q", "mount -t", "fio --name=seq-write",
                "umount " + ext4Mnt, "mount -t"));
        expected.addAll(fio("seq-read-cold", "rand-read-qd1", "rand-write-qd1", "rand-read-4jobs", "rand-write-4jobs"));
        expected.addAll(List.of("umount " + ext4Mnt, "losetup -d"));
        expected.addAll(List.of("losetup --find", "mkfs.ext4 -q", "start fuse2fs", "fio --name=seq-write",
                "umount " + fuseMnt, "start fuse2fs"));
        expected.addAll(fio("seq-read-cold", "rand-read-qd1", "rand-write-qd1", "rand-read-4jobs", "rand-write-4jobs"));
        expected.addAll(List.of("umount " + fuseMnt, "losetup -d"));
        assertThat(host.commands(2)).containsExactlyElementsOf(expected);
        assertThat(host.mounted).isEmpty();
        assertThat(table.complete()).isTrue();
        assertThat(table.failures()).isEmpty();
        assertThat(work.resolve("bench")).doesNotExist();
    }

    @Test
    void cachesAreDroppedBeforeEveryJob() throws Exception {
        FakeHost host = new FakeHost();

        run(host, List.of(Contender.ext4()), false);

        for (int i = 0; i < host.log.size(); i++) {
            if (host.log.get(i).startsWith("fio ")) {
                assertThat(host.log.get(i - 1)).isEqualTo("drop caches");
            }
        }
    }

    @Test
    void aFailingJobStillUnmountsAndDetachesAndTheNextFilesystemRuns() throws Exception {
        FakeHost host = new FakeHost().failWhen(c -> c.startsWith("fio --name=rand-write-qd1") && c.contains("/ext4/"));

        ResultTable table = run(host, List.of(Contender.ext4(), Contender.fuse2fs()), false);

        List<String> cmds = host.commands(2);
        int failed = cmds.indexOf("fio --name=rand-write-qd1");
        assertThat(cmds.subList(failed + 1, failed + 3))
                .containsExactly("umount " + work.resolve("bench/ext4/mnt"), "losetup -d");
        assertThat(cmds).containsSubsequence("losetup -d", "losetup --find", "start fuse2fs");
        assertThat(table.failures()).containsOnlyKeys("ext4");
        assertThat(table.value(Measure.RAND_READ_QD1, "ext4")).isPositive();
        assertThat(table.value(Measure.RAND_WRITE_QD1, "ext4")).isNaN();
        assertThat(table.value(Measure.UNLINK, "fuse2fs")).isGreaterThanOrEqualTo(0);
        assertThat(table.complete()).isFalse();
        assertThat(host.mounted).isEmpty();
        assertThat(progress).anyMatch(l -> l.startsWith("ext4: failed:"));
    }

    @Test
    void aFailingFormatDetachesTheLoopDeviceAndNeverMounts() throws Exception {
        FakeHost host = new FakeHost().failWhen(c -> c.startsWith("mkfs.ext4"));

        ResultTable table = run(host, List.of(Contender.ext4()), false);

        assertThat(host.commands(2)).containsExactly("losetup --find", "mkfs.ext4 -q", "losetup -d");
        assertThat(table.failures().get("ext4")).contains("injected failure");
    }

    @Test
    void aLoopDeviceWithoutDirectIoIsUsedWhenDirectIoIsRefused() throws Exception {
        FakeHost host = new FakeHost().failWhen(c -> c.contains("--direct-io=on"));

        run(host, List.of(Contender.ext4()), false);

        assertThat(host.log.stream().filter(l -> l.startsWith("losetup --find")).toList())
                .hasSize(2).last().asString().doesNotContain("direct-io");
    }

    @Test
    void keepLeavesTheReportsButNotTheMountsOrDevices() throws Exception {
        FakeHost host = new FakeHost();

        run(host, List.of(Contender.ext4()), true);

        assertThat(work.resolve("bench/ext4/seq-write.json")).exists();
        assertThat(work.resolve("bench/ext4/device.img")).doesNotExist();
        assertThat(host.commands(2)).endsWith("losetup -d");
        assertThat(host.mounted).isEmpty();
    }

    @Test
    void missingProgramsAreInstalledWithAptGetFirst() throws Exception {
        FakeHost host = new FakeHost();
        host.missingPrograms.addAll(List.of("fio", "fuse2fs"));

        run(host, List.of(Contender.fuse2fs()), false);

        assertThat(host.log.subList(0, 2)).containsExactly("apt-get update -qq",
                "env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fio fuse2fs");
    }

    @Test
    void aMountPointStillMountedIsNeverDescendedIntoWhenCleaningUp() throws Exception {
        // umount and its fallbacks all fail: the mount stays, the work directory is kept around it
        FakeHost host = new FakeHost().failWhen(c -> c.startsWith("umount") || c.startsWith("fusermount"));

        ResultTable table = run(host, List.of(Contender.ext4()), false);

        Path mnt = work.resolve("bench/ext4/mnt");
        assertThat(host.mounted).containsExactly(mnt);
        assertThat(mnt).exists();
        assertThat(table.failures()).containsKey("ext4");
        assertThat(progress).anyMatch(l -> l.contains("is still mounted"));
        Files.delete(mnt);
    }
}
