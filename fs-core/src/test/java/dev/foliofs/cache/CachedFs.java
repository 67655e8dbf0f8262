package dev.foliofs.cache;

import dev.foliofs.data.FileData;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FoliofsFileSystem;
import dev.foliofs.vfs.FsOptions;
import dev.foliofs.volume.testing.InMemoryVolume;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;

/** A filesystem on an in-memory volume with the cached data path, sized by the test. */
final class CachedFs {
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;

    final DataOptions options;
    InMemoryVolume volume;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FoliofsFileSystem fs;

    CachedFs(long volumeBlocks, DataOptions options) {
        this.options = options;
        this.volume = InMemoryVolume.create(volumeBlocks, 4096);
        FoliofsFileSystem.createRoot(volume, 0, 0, 0755, 0);
        fs = FoliofsFileSystem.open(volume, FsOptions.defaults().withData(options.factory()).withRegistry(registry));
    }

    /** A tiny cache, no flusher thread: eviction and writeback happen inline and constantly. */
    static DataOptions tiny(long cacheBytes, long dirtyLimit) {
        return new DataOptions(cacheBytes, dirtyLimit / 2, dirtyLimit, Duration.ofDays(1), 0, 16 << 10, 32 << 10);
    }

    CachedFileData data() {
        return (CachedFileData) fs.fileData();
    }

    FileSystem.OpenFile create(String name) {
        return fs.create(Caller.ROOT, FileSystem.ROOT_INO, name, 0100644, O_RDWR | O_CREAT);
    }

    FileSystem.OpenFile open(long ino) {
        return fs.open(Caller.ROOT, ino, O_RDWR);
    }

    /** Power cut, then mount again over what was committed. */
    void crashAndRemount() {
        volume = volume.crash();
        registry = new SimpleMeterRegistry();
        fs = FoliofsFileSystem.open(volume, FsOptions.defaults().withData(options.factory()).withRegistry(registry));
    }

    static byte[] read(FileSystem.OpenFile f, long offset, int len) {
        ByteBuffer b = ByteBuffer.allocate(len);
        int n = f.read(offset, b);
        byte[] out = new byte[n];
        System.arraycopy(b.array(), 0, out, 0, n);
        return out;
    }

    double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    static final int KEEP_SIZE = FileData.KEEP_SIZE;
    static final int PUNCH_HOLE = FileData.PUNCH_HOLE;
    static final int ZERO_RANGE = FileData.ZERO_RANGE;
}
