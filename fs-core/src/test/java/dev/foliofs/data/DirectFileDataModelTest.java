package dev.foliofs.data;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.core.FsException;
import dev.foliofs.extent.Extent;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FsFixture;
import dev.foliofs.volume.testing.InMemoryVolume;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The direct data path against a byte array: random writes, truncates and fallocate modes
 * (lengths up to four blocks, so operations cross block boundaries); after every step the
 * whole file reads back as the model, the size agrees, no extent lies past the last block,
 * and UNWRITTEN blocks never show what the device held before.
 */
class DirectFileDataModelTest {
    private static final int BLOCK = 4096;
    private static final int MAX = 24 * BLOCK;

    record Op(int kind, int offset, int length, int seed) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, MAX),
                Arbitraries.integers().between(1, 4 * BLOCK), Arbitraries.integers()).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 100)
    void behavesLikeAByteArray(@ForAll("ops") List<Op> ops) {
        InMemoryVolume volume = InMemoryVolume.create(512, BLOCK);
        // poison the device: stale contents must never appear in the file
        byte[] poison = new byte[512 * BLOCK];
        Arrays.fill(poison, (byte) 0x5A);
        try {
            volume.device().write(0, ByteBuffer.wrap(poison));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        FsFixture f = new FsFixture(volume, DirectFileData::new);
        byte[] model = new byte[0];
        try (FileSystem.OpenFile h = f.fs.create(ROOT, ROOT_INO, "f", 0644, 2)) {
            for (Op op : ops) {
                int off = op.offset();
                int len = op.length();
                switch (op.kind()) {
                    case 0, 1 -> {
                        byte[] data = new byte[len];
                        new Random(op.seed()).nextBytes(data);
                        h.write(off, ByteBuffer.wrap(data));
                        if (off + len > model.length) {
                            model = Arrays.copyOf(model, off + len);
                        }
                        System.arraycopy(data, 0, model, off, len);
                    }
                    case 2 -> {
                        int size = off % (MAX / 2);
                        h.truncate(ROOT, size);
                        model = Arrays.copyOf(model, size);
                    }
                    case 3 -> { // preallocate, maybe growing
                        boolean keep = (op.seed() & 1) != 0;
                        h.fallocate(keep ? FileData.KEEP_SIZE : 0, off, len);
                        if (!keep && off + len > model.length) {
                            model = Arrays.copyOf(model, off + len);
                        }
                    }
                    case 4 -> {
                        h.fallocate(FileData.PUNCH_HOLE | FileData.KEEP_SIZE, off, len);
                        zero(model, off, len);
                    }
                    case 5 -> {
                        boolean keep = (op.seed() & 1) != 0;
                        h.fallocate(FileData.ZERO_RANGE | (keep ? FileData.KEEP_SIZE : 0), off, len);
                        if (!keep && off + len > model.length) {
                            model = Arrays.copyOf(model, off + len);
                        }
                        zero(model, off, len);
                    }
                    default -> {
                        ByteBuffer b = ByteBuffer.allocate(len);
                        int n = h.read(off, b);
                        int expect = Math.max(0, Math.min(len, model.length - off));
                        assertThat(n).isEqualTo(expect);
                        assertThat(Arrays.copyOf(b.array(), n)).isEqualTo(Arrays.copyOfRange(model, Math.min(off, model.length),
                                Math.min(off, model.length) + n));
                    }
                }
                assertThat(h.getattr().size()).as("size after %s", op).isEqualTo(model.length);
                ByteBuffer all = ByteBuffer.allocate(model.length + BLOCK);
                int n = h.read(0, all);
                assertThat(n).isEqualTo(model.length);
                assertThat(Arrays.copyOf(all.array(), n)).as("contents after %s", op).isEqualTo(model);
                List<Extent> extents = volume.read(() -> f.fs.extentMap().all(h.ino()));
                long sizeBlocks = (model.length + BLOCK - 1) / BLOCK;
                for (Extent e : extents) {
                    if (!e.unwritten()) {
                        assertThat(e.fileEnd()).as("written extent past EOF: %s", e).isLessThanOrEqualTo(Math.max(sizeBlocks, 0));
                    }
                }
            }
        }
    }

    private static void zero(byte[] model, int off, int len) {
        for (int i = off; i < Math.min(model.length, off + len); i++) {
            model[i] = 0;
        }
    }

    @Property(tries = 1)
    void aWriteThatFindsNoSpaceFailsWithEnospcAndChangesNothing() {
        FsFixture f = new FsFixture(InMemoryVolume.create(200, BLOCK), DirectFileData::new);
        try (FileSystem.OpenFile h = f.fs.create(ROOT, ROOT_INO, "f", 0644, 2)) {
            h.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            long free = f.fs.statfs().freeBlocks();
            FsException e = org.junit.jupiter.api.Assertions.assertThrows(FsException.class,
                    () -> h.write(BLOCK, ByteBuffer.allocate(250 * BLOCK)));
            assertThat(e.errno()).isEqualTo(dev.foliofs.core.Errno.ENOSPC);
            assertThat(h.getattr().size()).isEqualTo(3);
            assertThat(f.fs.statfs().freeBlocks()).isEqualTo(free);
            FsException e2 = org.junit.jupiter.api.Assertions.assertThrows(FsException.class,
                    () -> h.fallocate(0, BLOCK, 250 * BLOCK));
            assertThat(e2.errno()).isEqualTo(dev.foliofs.core.Errno.ENOSPC);
            assertThat(h.getattr().size()).isEqualTo(3);
        }
    }
}
