package dev.foliofs.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.device.CrashPolicy;
import dev.foliofs.device.FaultInjectingDevice;
import dev.foliofs.device.MemoryBlockDevice;
import dev.foliofs.fsck.Fsck;
import dev.foliofs.fsck.FsckReport;
import dev.foliofs.iomap.OnDeviceVolume;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FoliofsFileSystem;
import dev.foliofs.vfs.FsOptions;
import dev.foliofs.volume.Mkfs;
import dev.foliofs.volume.MkfsOptions;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.VolumeOptions;
import dev.foliofs.volume.testing.InMemoryVolume;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Power cuts at random points of a write/fsync/truncate/punch workload on two files through
 * the cached data path, over a device whose old contents are 0xEE. Unflushed device writes
 * are dropped, kept or torn at random. After remounting:
 * <ul>
 *   <li>every byte that was fsync'd and not changed since holds what was fsync'd;</li>
 *   <li>every byte holds a value this file put there (a write, or zero from a hole,
 *       truncate or punch) — never old device contents (0xEE is never written).</li>
 * </ul>
 * Twice: on the in-memory volume, whose metadata is durable at once (the harshest order for
 * data: a conversion to WRITTEN must never reach the map before its data is flushed), and on
 * a journaled volume that replays after the crash and must then pass fsck.
 */
class CrashConsistencyTest {
    private static final int MAX = 160 << 10;
    private static final int FILES = 2;
    private static final byte OLD = (byte) 0xEE;

    /** What each byte of a file may hold after a crash: a 256-bit set per byte. */
    private static final class Shadow {
        final byte[] cur = new byte[MAX + (32 << 10)];
        final long[][] allowed = new long[cur.length][4];
        long size;
        long ino;

        Shadow() {
            for (long[] a : allowed) {
                a[0] = 1; // zero
            }
        }

        void allow(long from, long to, byte v) {
            for (long i = from; i < to; i++) {
                allowed[(int) i][(v & 0xFF) >>> 6] |= 1L << (v & 63);
            }
        }

        void set(long from, long to, byte v) {
            allow(from, to, v);
            Arrays.fill(cur, (int) from, (int) to, v);
        }

        void fsynced() {
            for (int i = 0; i < cur.length; i++) {
                Arrays.fill(allowed[i], 0);
                byte v = i < size ? cur[i] : 0;
                allowed[i][(v & 0xFF) >>> 6] |= 1L << (v & 63);
            }
        }

        boolean allows(int i, byte v) {
            return (allowed[i][(v & 0xFF) >>> 6] & (1L << (v & 63))) != 0;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void onAVolumeWhoseMetadataIsDurableAtOnce(long seed) throws Exception {
        Random rnd = new Random(seed);
        InMemoryVolume memory = InMemoryVolume.create(4096, 4096);
        memory.memoryDevice().write(0, ByteBuffer.wrap(filled((int) memory.memoryDevice().size(), OLD)));
        memory.memoryDevice().flush();
        FaultInjectingDevice faulty = new FaultInjectingDevice(memory.memoryDevice());
        FoliofsFileSystem.createRoot(memory, 0, 0, 0755, 0);
        FoliofsFileSystem fs = FoliofsFileSystem.open(new OnDeviceVolume(memory, faulty), options());
        Shadow[] shadow = workload(fs, faulty, rnd);
        faulty.crashInPlace(CrashPolicy.random(seed));
        FoliofsFileSystem after = FoliofsFileSystem.open(memory.crash(), options());
        verify(after, shadow, seed);
        after.close();
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24, 25, 26})
    void onAJournaledVolumeAfterReplay(long seed) throws Exception {
        Random rnd = new Random(seed);
        MemoryBlockDevice disk = MemoryBlockDevice.ofSize(32L << 20);
        disk.write(0, ByteBuffer.wrap(filled((int) disk.size(), OLD)));
        Mkfs.format(disk.reopen(), MkfsOptions.defaults().withJournalBlocks(1024),
                v -> FoliofsFileSystem.createRoot(v, 0, 0, 0755, 0));
        FaultInjectingDevice faulty = new FaultInjectingDevice(disk.reopen());
        FoliofsFileSystem fs = FoliofsFileSystem.open(MountedVolume.open(faulty, volumeOptions()), options());
        Shadow[] shadow = workload(fs, faulty, rnd);
        MemoryBlockDevice crashed = faulty.crash(CrashPolicy.random(seed));
        FoliofsFileSystem after = FoliofsFileSystem.open(MountedVolume.open(crashed.reopen(), volumeOptions()), options());
        verify(after, shadow, seed);
        after.close();
        FsckReport report = new Fsck(false, line -> { }).run(crashed.reopen());
        assertThat(report.problems()).as("fsck after the crash").isEmpty();
    }

    private static VolumeOptions volumeOptions() {
        return VolumeOptions.defaults().withCommitInterval(Duration.ZERO).withRegistry(new SimpleMeterRegistry());
    }

    private static FsOptions options() {
        return FsOptions.defaults().withData(CachedFs.tiny(48 << 10, 96 << 10).factory())
                .withRegistry(new SimpleMeterRegistry());
    }

    /** Two files, created and synced, then random operations until the power is cut. */
    private static Shadow[] workload(FoliofsFileSystem fs, FaultInjectingDevice faulty, Random rnd) {
        Shadow[] shadow = new Shadow[FILES];
        FileSystem.OpenFile[] open = new FileSystem.OpenFile[FILES];
        for (int f = 0; f < FILES; f++) {
            shadow[f] = new Shadow();
            open[f] = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "f" + f, 0100644, CachedFs.O_RDWR | CachedFs.O_CREAT);
            shadow[f].ino = open[f].ino();
        }
        fs.sync();
        faulty.cutPowerAfterWrite(faulty.writeCount() + rnd.nextInt(400));
        byte value = 1;
        try {
            for (int op = 0; op < 400 && !faulty.powerLost(); op++) {
                int f = rnd.nextInt(FILES);
                Shadow s = shadow[f];
                int kind = rnd.nextInt(100);
                int off = rnd.nextInt(MAX);
                int len = 1 + rnd.nextInt(16 << 10);
                if (kind < 55) {
                    value = (byte) (value == 127 ? 1 : value + 1); // never 0xEE
                    s.set(off, off + len, value);
                    s.size = Math.max(s.size, off + len);
                    open[f].write(off, ByteBuffer.wrap(filled(len, value)));
                } else if (kind < 75) {
                    open[f].fsync(rnd.nextBoolean());
                    s.fsynced();
                } else if (kind < 85) {
                    long newSize = rnd.nextInt(MAX);
                    if (newSize < s.size) {
                        s.set(newSize, s.size, (byte) 0);
                    }
                    s.allow(Math.min(newSize, s.size), Math.max(newSize, s.size), (byte) 0);
                    s.size = newSize;
                    open[f].truncate(Caller.ROOT, newSize);
                } else if (kind < 95) {
                    long end = Math.min(off + len, s.size);
                    if (end > off) {
                        s.set(off, end, (byte) 0);
                    }
                    open[f].fallocate(CachedFs.KEEP_SIZE | CachedFs.PUNCH_HOLE, off, len);
                } else {
                    ((CachedFileData) fs.fileData()).cache().evictAll();
                }
            }
        } catch (RuntimeException e) {
            assertThat(faulty.powerLost()).as("only the power cut may fail an operation: %s", e).isTrue();
        }
        return shadow;
    }

    private static void verify(FoliofsFileSystem after, Shadow[] shadow, long seed) {
        for (Shadow s : shadow) {
            FileSystem.OpenFile r = after.open(Caller.ROOT, s.ino, CachedFs.O_RDWR);
            long size = r.getattr().size();
            byte[] got = CachedFs.read(r, 0, (int) size);
            for (int i = 0; i < got.length; i++) {
                if (!s.allows(i, got[i])) {
                    throw new AssertionError("seed " + seed + " inode " + s.ino + " byte " + i + " holds " + got[i]
                            + " (size " + size + ", model " + s.cur[i] + ")");
                }
            }
            r.close();
        }
    }

    static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }
}
