package dev.foliofs.volume;

import dev.foliofs.device.FileBlockDevice;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/**
 * Throughput of the storage layer, not a test: mkfs of a 16 GiB sparse image, then 1M inserts
 * (8-byte random keys, 100-byte values, one {@code Volume.update} each, group commit by size)
 * into the inodes tree of that image, a sync, and 1M lookups ({@code Volume.read} each) in
 * another random order. Rates per second of wall-clock time and of this thread's CPU time.
 * Run with
 * {@code java -cp fs-core/target/classes:fs-core/target/test-classes:<deps> dev.foliofs.volume.VolumeBench [keys] [dir]}.
 */
public final class VolumeBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private VolumeBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir"));
        Path image = Files.createTempFile(dir, "foliofs-bench", ".img");
        try {
            Files.delete(image);
            FileBlockDevice.create(image, 16L << 30).close();
            long t0 = System.nanoTime();
            Mkfs.format(FileBlockDevice.open(image, dev.foliofs.device.OpenOptions.DEFAULT), MkfsOptions.defaults(), v -> { });
            System.out.printf("mkfs 16 GiB sparse image: %.3f s (in-process, JVM warm-up included)%n", (System.nanoTime() - t0) / 1e9);

            long[] keys = shuffled(n, 1);
            byte[] value = new byte[100];
            new Random(2).nextBytes(value);
            VolumeOptions options = VolumeOptions.defaults().withCommitInterval(Duration.ofSeconds(5))
                    .withMetadataCacheBytes(256L << 20);
            try (MountedVolume v = MountedVolume.open(FileBlockDevice.open(image, dev.foliofs.device.OpenOptions.DEFAULT), options)) {
                long wall = System.nanoTime();
                long cpu = THREADS.getCurrentThreadCpuTime();
                for (long k : keys) {
                    byte[] key = key(k);
                    v.update(() -> {
                        v.inodes().put(key, value);
                        return null;
                    });
                }
                v.sync();
                report("insert (journaled, incl. final sync)", n, wall, cpu);

                long[] order = shuffled(n, 3);
                wall = System.nanoTime();
                cpu = THREADS.getCurrentThreadCpuTime();
                long found = 0;
                for (long k : order) {
                    byte[] key = key(k);
                    if (v.read(() -> v.inodes().get(key)) != null) {
                        found++;
                    }
                }
                report("lookup", n, wall, cpu);
                if (found != n) {
                    throw new AssertionError("found " + found + " of " + n);
                }
                System.out.printf("journal: %s commits, %s checkpoints; metadata written %.1f MiB%n",
                        count(options, "foliofs.journal.commits"), count(options, "foliofs.journal.checkpoints"),
                        options.registry().get("foliofs.device.written.bytes").counter().count() / (1 << 20));
            }
        } finally {
            Files.deleteIfExists(image);
        }
    }

    private static String count(VolumeOptions o, String name) {
        return String.format("%.0f", o.registry().get(name).counter().count());
    }

    private static void report(String what, int n, long wall0, long cpu0) {
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
        System.out.printf("%-40s %,d keys: %,.0f/s wall (%.2f s), %,.0f/s per CPU second%n", what, n, n / wall, wall, n / cpu);
    }

    private static long[] shuffled(int n, long seed) {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = i * 0x9E3779B97F4A7C15L;
        }
        Random r = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
        return keys;
    }

    private static byte[] key(long k) {
        return ByteBuffer.allocate(8).putLong(k).array();
    }
}
