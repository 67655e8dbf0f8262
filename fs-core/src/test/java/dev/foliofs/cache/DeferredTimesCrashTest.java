package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.device.CrashPolicy;
import dev.foliofs.device.FaultInjectingDevice;
import dev.foliofs.device.MemoryBlockDevice;
import dev.foliofs.fsck.Fsck;
import dev.foliofs.fsck.FsckReport;
import dev.foliofs.vfs.Attr;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FoliofsFileSystem;
import dev.foliofs.vfs.FsOptions;
import dev.foliofs.vfs.ManualClock;
import dev.foliofs.volume.Mkfs;
import dev.foliofs.volume.MkfsOptions;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.VolumeOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deferred mtime/ctime of writes on a journaled volume: fsync makes them survive a power
 * cut, unmount keeps them, and a power cut without fsync loses at most what came after the
 * last fsync, with the volume replaying and passing fsck every time.
 */
class DeferredTimesCrashTest {
    private final ManualClock clock = new ManualClock();

    private MemoryBlockDevice formatted() throws Exception {
        MemoryBlockDevice disk = MemoryBlockDevice.ofSize(32L << 20);
        Mkfs.format(disk.reopen(), MkfsOptions.defaults().withJournalBlocks(1024),
                v -> FoliofsFileSystem.createRoot(v, 0, 0, 0755, 0));
        return disk;
    }

    private FoliofsFileSystem mount(dev.foliofs.device.BlockDevice device) {
        VolumeOptions vo = VolumeOptions.defaults().withCommitInterval(Duration.ZERO).withRegistry(new SimpleMeterRegistry());
        FsOptions o = FsOptions.defaults().withData(CachedFs.tiny(48 << 10, 96 << 10).factory()).withClock(clock)
                .withRegistry(new SimpleMeterRegistry());
        return FoliofsFileSystem.open(MountedVolume.open(device, vo), o);
    }

    private static void assertFsckClean(MemoryBlockDevice device) {
        FsckReport report = new Fsck(false, line -> { }).run(device.reopen());
        assertThat(report.problems()).as("fsck").isEmpty();
    }

    private void write(FileSystem.OpenFile h, Random rnd) {
        clock.advance(1 + rnd.nextInt(1_000_000));
        h.write(rnd.nextInt(256 << 10), ByteBuffer.wrap(new byte[1 + rnd.nextInt(8 << 10)]));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void aPowerCutLosesTimesOnlyBackToTheLastFsync(long seed) throws Exception {
        Random rnd = new Random(seed);
        MemoryBlockDevice disk = formatted();
        FaultInjectingDevice faulty = new FaultInjectingDevice(disk.reopen());
        FoliofsFileSystem fs = mount(faulty);
        FileSystem.OpenFile h = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "f", 0100644, CachedFs.O_RDWR | CachedFs.O_CREAT);
        long ino = h.ino();
        h.fsync(false);
        long fsynced = fs.getattr(ino).mtimeNs();
        Set<Long> seen = new HashSet<>();
        seen.add(fsynced);
        faulty.cutPowerAfterWrite(faulty.writeCount() + 20 + rnd.nextInt(200));
        try {
            for (int op = 0; op < 300 && !faulty.powerLost(); op++) {
                if (rnd.nextInt(4) == 0) {
                    boolean dataOnly = rnd.nextBoolean();
                    h.fsync(dataOnly);
                    if (!dataOnly) {
                        fsynced = fs.getattr(ino).mtimeNs();
                    }
                } else {
                    write(h, rnd);
                    seen.add(fs.getattr(ino).mtimeNs());
                }
            }
        } catch (RuntimeException e) {
            assertThat(faulty.powerLost()).as("only the power cut may fail an operation: %s", e).isTrue();
        }
        MemoryBlockDevice crashed = faulty.crash(CrashPolicy.random(seed));
        FoliofsFileSystem after = mount(crashed.reopen());
        Attr a = after.getattr(ino);
        assertThat(a.mtimeNs()).as("seed %d: never older than the last fsync", seed).isGreaterThanOrEqualTo(fsynced);
        assertThat(seen).as("seed %d: a time some write set", seed).contains(a.mtimeNs());
        assertThat(a.ctimeNs()).isGreaterThanOrEqualTo(a.mtimeNs());
        after.close();
        assertFsckClean(crashed);
    }

    @Test
    void fsyncedTimesSurviveAPowerCutThatDropsEverythingUnflushed() throws Exception {
        MemoryBlockDevice disk = formatted();
        FaultInjectingDevice faulty = new FaultInjectingDevice(disk.reopen());
        FoliofsFileSystem fs = mount(faulty);
        FileSystem.OpenFile h = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "f", 0100644, CachedFs.O_RDWR | CachedFs.O_CREAT);
        h.write(0, ByteBuffer.wrap(new byte[8192]));
        clock.advance(1000);
        h.write(100, ByteBuffer.wrap(new byte[10])); // within the size: its times are not journaled by a size change
        h.fsync(false);
        long synced = fs.getattr(h.ino()).mtimeNs();
        clock.advance(1000);
        h.write(200, ByteBuffer.wrap(new byte[10]));
        MemoryBlockDevice crashed = faulty.crash(CrashPolicy.dropAll());
        FoliofsFileSystem after = mount(crashed.reopen());
        assertThat(after.getattr(h.ino()).mtimeNs()).isEqualTo(synced);
        assertThat(after.getattr(h.ino()).ctimeNs()).isEqualTo(synced);
        after.close();
        assertFsckClean(crashed);
    }

    @Test
    void unmountKeepsTimesNeverFsynced() throws Exception {
        MemoryBlockDevice disk = formatted();
        FoliofsFileSystem fs = mount(disk.reopen());
        FileSystem.OpenFile h = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "f", 0100644, CachedFs.O_RDWR | CachedFs.O_CREAT);
        long ino = h.ino();
        h.fsync(false);
        h.write(0, ByteBuffer.wrap(new byte[8192]));
        clock.advance(1000);
        h.write(100, ByteBuffer.wrap(new byte[10]));
        long last = fs.getattr(ino).mtimeNs();
        fs.close(); // unmount with the file still open, as when the connection goes away
        FoliofsFileSystem after = mount(disk.reopen());
        assertThat(after.getattr(ino).mtimeNs()).isEqualTo(last);
        assertThat(after.getattr(ino).ctimeNs()).isEqualTo(last);
        after.close();
        assertFsckClean(disk);
    }
}
