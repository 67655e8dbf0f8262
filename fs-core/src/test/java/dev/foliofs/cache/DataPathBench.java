package dev.foliofs.cache;

import dev.foliofs.data.DirectFileData;
import dev.foliofs.data.FileData;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FoliofsFileSystem;
import dev.foliofs.vfs.FsOptions;
import dev.foliofs.volume.testing.InMemoryVolume;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rough throughput of the data paths below FUSE, on an in-memory volume (not part of the test
 * suite: run with {@code -Dtest=DataPathBench}). Prints numbers, asserts nothing.
 */
class DataPathBench {
    private static final int FILE = 128 << 20;

    @Test
    void run() {
        for (int round = 0; round < 2; round++) {
            measure("cached", DataOptions.defaults().factory());
            measure("direct", DirectFileData::new);
        }
    }

    private static void measure(String name, FileData.Factory data) {
        InMemoryVolume v = InMemoryVolume.create(96 * 1024, 4096);
        FoliofsFileSystem.createRoot(v, 0, 0, 0755, 0);
        FoliofsFileSystem fs = FoliofsFileSystem.open(v, FsOptions.defaults().withData(data)
                .withRegistry(new SimpleMeterRegistry()));
        FileSystem.OpenFile f = fs.create(Caller.ROOT, FileSystem.ROOT_INO, "b", 0100644, 2 | 0100);
        ByteBuffer chunk = ByteBuffer.allocateDirect(128 << 10);
        long t0 = System.nanoTime();
        for (long off = 0; off < FILE; off += chunk.capacity()) {
            chunk.clear();
            f.write(off, chunk);
        }
        f.fsync(false);
        long t1 = System.nanoTime();
        if (fs.fileData() instanceof CachedFileData c) {
            c.cache().evictAll();
        }
        for (long off = 0; off < FILE; off += chunk.capacity()) {
            chunk.clear();
            f.read(off, chunk);
        }
        long t2 = System.nanoTime();
        Random rnd = new Random(1);
        ByteBuffer small = ByteBuffer.allocateDirect(4096);
        int ops = 50_000;
        for (int i = 0; i < ops; i++) {
            small.clear();
            f.write((long) rnd.nextInt(FILE / 4096) * 4096, small);
        }
        f.fsync(false);
        long t3 = System.nanoTime();
        System.out.printf("%s: sequential write+fsync %.0f MiB/s, cold sequential read %.0f MiB/s, "
                        + "random 4 KiB writes+fsync %.0f IOPS%n", name,
                FILE / 1048576.0 / ((t1 - t0) / 1e9), FILE / 1048576.0 / ((t2 - t1) / 1e9), ops / ((t3 - t2) / 1e9));
        f.close();
        fs.close();
    }
}
