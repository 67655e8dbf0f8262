package dev.foliofs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.device.Devices;
import dev.foliofs.device.OpenOptions;
import dev.foliofs.fuse.mount.MetricsAddress;
import dev.foliofs.fuse.mount.MountTable;
import dev.foliofs.vfs.FoliofsFileSystem;
import dev.foliofs.volume.Mkfs;
import dev.foliofs.volume.MkfsOptions;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.VolumeOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import picocli.CommandLine;

/**
 * {@code foliofs mount}: refusals with one clear line and a nonzero exit before anything is
 * mounted, and the lifecycle of a real mount in its own JVM (SIGTERM, fusermount -u,
 * --daemon), after which the device is clean.
 */
class MountCommandTest {
    private Path image;
    private Path mnt;
    private Process child;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        String name = info.getTestMethod().orElseThrow().getName();
        Path dir = Path.of("target", "mount-command").toAbsolutePath();
        Files.createDirectories(dir);
        image = dir.resolve(name + ".img");
        mnt = dir.resolve("mnt-" + name);
        Files.createDirectories(mnt);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (isMounted(mnt)) {
            run("fusermount", "-u", mnt.toString());
        }
        if (isMounted(mnt)) {
            run("umount", "-l", mnt.toString());
        }
        if (child != null && child.isAlive() && !child.waitFor(60, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(MetricsAddress.addressFile(mnt)); // left by a mount the test killed
        Files.deleteIfExists(image);
    }

    private int mountInProcess(String... args) {
        CommandLine cl = new CommandLine(new MountCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void anUnknownOptionIsRefusedByNameBeforeAnythingIsMounted() throws Exception {
        format(image);
        assertThat(mountInProcess("-o", "use_ino,frobnicate", image.toString(), mnt.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("foliofs mount: unknown mount option 'frobnicate'\n");
        assertThat(isMounted(mnt)).isFalse();
    }

    @Test
    void aMissingMountPointIsRefused() throws Exception {
        format(image);
        Path missing = mnt.resolve("nope");
        assertThat(mountInProcess(image.toString(), missing.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("foliofs mount: mount point " + missing + " does not exist\n");
    }

    @Test
    void aMountPointThatIsNotADirectoryIsRefused() throws Exception {
        format(image);
        Files.deleteIfExists(mnt.resolve("file"));
        Path file = Files.createFile(mnt.resolve("file"));
        assertThat(mountInProcess(image.toString(), file.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("foliofs mount: mount point " + file + " is not a directory\n");
    }

    @Test
    void aDeviceWithoutFoliofsIsRefused() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(64L << 20);
        }
        assertThat(mountInProcess(image.toString(), mnt.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("foliofs mount: " + image
                + " does not hold a foliofs filesystem (run foliofs mkfs first)\n");
        assertThat(isMounted(mnt)).isFalse();
    }

    @Test
    void aMissingDeviceIsRefused() {
        assertThat(mountInProcess(image.toString(), mnt.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("foliofs mount: " + image + ": no such device or image file\n");
    }

    @Test
    void sigtermUnmountsCleanlyAndASecondMountOfTheDeviceIsRefusedMeanwhile() throws Exception {
        format(image);
        child = startChild("mount", image.toString(), mnt.toString());
        awaitMounted(child);
        Files.writeString(mnt.resolve("kept.txt"), "still here");
        assertThat(Files.readString(MetricsAddress.addressFile(mnt))).startsWith("http://127.0.0.1:");

        Path other = Files.createDirectories(mnt.resolveSibling(mnt.getFileName() + "-2"));
        assertThat(mountInProcess(image.toString(), other.toString())).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("foliofs mount: " + image
                + " is in use (already mounted, or open by another program)\n");

        child.destroy(); // SIGTERM
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(isMounted(mnt)).isFalse();
        assertThat(Files.exists(MetricsAddress.addressFile(mnt))).isFalse();
        assertThat(cleanlyUnmounted(image)).isTrue();

        child = startChild("mount", image.toString(), mnt.toString());
        awaitMounted(child);
        assertThat(Files.readString(mnt.resolve("kept.txt"))).isEqualTo("still here");
    }

    @Test
    void sigtermOfABusyMountStillEndsItAndLeavesTheDeviceClean() throws Exception {
        format(image);
        child = startChild("mount", image.toString(), mnt.toString());
        awaitMounted(child);
        Files.writeString(mnt.resolve("held"), "open");
        Process holder = new ProcessBuilder("sh", "-c", "exec 3<held; echo holding; exec sleep 300")
                .directory(mnt.toFile()).redirectErrorStream(true).start();
        try {
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()))
                    .readLine()).isEqualTo("holding");

            child.destroy(); // SIGTERM: unmount is busy, lazy unmount, then the connection is aborted
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(isMounted(mnt)).isFalse();
            assertThat(cleanlyUnmounted(image)).isTrue();
        } finally {
            holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void afterAKilledMountTheNextMountReplaysTheJournalAndFsyncedDataIsThere() throws Exception {
        format(image);
        child = startChild("mount", image.toString(), mnt.toString());
        awaitMounted(child);
        assertThat(run("python3", "-c", "import os\n"
                + "fd = os.open('" + mnt + "/durable', os.O_CREAT | os.O_WRONLY, 0o644)\n"
                + "os.write(fd, b'fsynced before the crash')\nos.fsync(fd)\nos.close(fd)")).isZero();

        child.destroyForcibly(); // SIGKILL: nothing is flushed, the superblock stays dirty
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run("fusermount", "-u", "-z", mnt.toString())).isZero();
        assertThat(cleanlyUnmounted(image)).isFalse();

        child = startChild("mount", image.toString(), mnt.toString());
        awaitMounted(child);
        assertThat(Files.readString(mnt.resolve("durable"))).isEqualTo("fsynced before the crash");
    }

    @Test
    void fusermountFromOutsideEndsTheForegroundMountWithExitZero() throws Exception {
        format(image);
        child = startChild("mount", image.toString(), mnt.toString());
        awaitMounted(child);
        Files.writeString(mnt.resolve("a"), "b");
        assertThat(run("fusermount", "-u", mnt.toString())).isZero();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
        assertThat(cleanlyUnmounted(image)).isTrue();
    }

    @Test
    void daemonReturnsOnceTheMountIsLiveAndKeepsServing() throws Exception {
        format(image);
        Process launcher = startChild("mount", "--daemon", image.toString(), mnt.toString());
        assertThat(launcher.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String said = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(launcher.exitValue()).as(said).isZero();
        assertThat(said).contains("mounted on " + mnt + " in the background");
        assertThat(isMounted(mnt)).isTrue();
        Files.writeString(mnt.resolve("x"), "y");
        assertThat(Files.readString(mnt.resolve("x"))).isEqualTo("y");

        assertThat(run("fusermount", "-u", mnt.toString())).isZero();
        awaitUnlocked(image);
        assertThat(cleanlyUnmounted(image)).isTrue();
    }

    @Test
    void readOnlyMountReadsFilesAndWritesNothing() throws Exception {
        format(image);
        child = startChild("mount", image.toString(), mnt.toString());
        awaitMounted(child);
        Files.writeString(mnt.resolve("kept"), "written before the read-only mount");
        assertThat(run("fusermount", "-u", mnt.toString())).isZero();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        byte[] before = Files.readAllBytes(image);
        child = startChild("mount", "-o", "ro", image.toString(), mnt.toString());
        awaitMounted(child);
        assertThat(Files.readString(mnt.resolve("kept"))).isEqualTo("written before the read-only mount");
        assertThat(Files.isWritable(mnt)).isFalse();
        assertThat(run("sh", "-c", "touch " + mnt + "/nope")).isNotZero();
        assertThat(run("fusermount", "-u", mnt.toString())).isZero();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readAllBytes(image)).isEqualTo(before);
    }

    // --- helpers -------------------------------------------------------------------------

    private static void format(Path image) throws IOException {
        Files.deleteIfExists(image);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(128L << 20);
        }
        Mkfs.format(Devices.open(image, OpenOptions.DEFAULT), MkfsOptions.defaults(),
                v -> FoliofsFileSystem.createRoot(v, 0, 0, 0755, System.currentTimeMillis() * 1_000_000L));
    }

    private static boolean cleanlyUnmounted(Path image) {
        try (MountedVolume v = MountedVolume.open(image, VolumeOptions.defaults().withReadOnly(true))) {
            return v.info().clean();
        }
    }

    /** Waits until the device lock is released: the background mount has closed the device. */
    private static void awaitUnlocked(Path image) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                Devices.open(image, OpenOptions.DEFAULT.withExclusive(true)).close();
                return;
            } catch (IOException e) {
                Thread.sleep(50); // polling another process, not synchronising threads
            }
        }
        throw new AssertionError("device still locked: " + image);
    }

    private Process startChild(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Dfile.encoding=UTF-8", "-Dfoliofs.main=" + MountMain.class.getName(),
                "-cp", System.getProperty("java.class.path"), MountMain.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Waits until {@code p} has mounted (it says so on its first line) or fails with its output. */
    private void awaitMounted(Process p) throws IOException {
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder said = new StringBuilder();
        for (String line; (line = reader.readLine()) != null; ) {
            said.append(line).append('\n');
            if (line.startsWith("mounted ")) {
                assertThat(isMounted(mnt)).isTrue();
                Thread drain = new Thread(() -> {
                    try {
                        reader.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException e) {
                        // the child exited
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new AssertionError("mount did not come up:\n" + said);
    }

    private static boolean isMounted(Path dir) {
        return MountTable.isMounted(dir);
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
