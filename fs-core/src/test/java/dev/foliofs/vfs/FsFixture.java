package dev.foliofs.vfs;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.data.FileData;
import dev.foliofs.volume.testing.InMemoryVolume;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert;

/**
 * A filesystem on an {@link InMemoryVolume} with a manual clock: the root is owned by root,
 * mode 0755. Helpers for the usual steps of vfs tests.
 */
public final class FsFixture {
    public static final Caller ROOT = Caller.ROOT;
    public static final Caller ALICE = new Caller(1000, 1000, new int[] {1000, 50}, 11);
    public static final Caller BOB = new Caller(1001, 1001, new int[] {1001}, 12);
    public static final Caller NOBODY = new Caller(65534, 65534, new int[0], 13);

    public final ManualClock clock = new ManualClock();
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public InMemoryVolume volume;
    public FoliofsFileSystem fs;
    private final FileData.Factory data;

    public FsFixture() {
        this(InMemoryVolume.create());
    }

    public FsFixture(InMemoryVolume volume) {
        this(volume, null);
    }

    /** A fixture whose files use the given data path ({@code null}: the default, cached one). */
    public FsFixture(InMemoryVolume volume, FileData.Factory data) {
        this.volume = volume;
        this.data = data;
        FoliofsFileSystem.createRoot(volume, 0, 0, 0755, clock.nanos());
        fs = FoliofsFileSystem.open(volume, options());
    }

    public FsOptions options() {
        FsOptions o = FsOptions.defaults().withClock(clock).withRegistry(registry);
        return data == null ? o : o.withData(data);
    }

    /** Power cut and mount again: a new filesystem over what was committed. */
    public FoliofsFileSystem crashAndRemount() {
        volume = volume.crash();
        fs = FoliofsFileSystem.open(volume, options().withRegistry(new SimpleMeterRegistry()));
        return fs;
    }

    public long mkdir(long parent, String name, int mode) {
        return fs.mkdir(ROOT, parent, name, mode).ino();
    }

    /** A world-writable directory under the root, for non-root callers. */
    public long playground() {
        long d = mkdir(FileSystem.ROOT_INO, "play", 0777);
        return d;
    }

    public long file(Caller who, long parent, String name, String contents) {
        try (FileSystem.OpenFile f = fs.create(who, parent, name, 0644, 2)) {
            if (!contents.isEmpty()) {
                f.write(0, ByteBuffer.wrap(contents.getBytes(StandardCharsets.UTF_8)));
            }
            return f.ino();
        }
    }

    public String contents(long ino) {
        try (FileSystem.OpenFile f = fs.open(ROOT, ino, 0)) {
            return read(f);
        }
    }

    public static String read(FileSystem.OpenFile f) {
        ByteBuffer b = ByteBuffer.allocate((int) f.getattr().size() + 16);
        int n = f.read(0, b);
        return new String(b.array(), 0, n, StandardCharsets.UTF_8);
    }

    public static void assertErrno(Errno errno, ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(FsException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((FsException) e).errno())
                        .as(e.getMessage()).isEqualTo(errno));
    }
}
