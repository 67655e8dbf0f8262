package dev.foliofs.dax;

import static dev.foliofs.dax.DaxRig.BLOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** read(2)/write(2)/punch/truncate under direct access against a byte-array model. */
class DaxIoTest {
    static final long INO = 11;

    @Test
    void writesAndReadsGoStraightToTheDeviceBlocks() throws Exception {
        try (DaxRig rig = new DaxRig()) {
            DaxFile file = rig.dax.file(INO);
            byte[] data = DaxRig.filled(2 * BLOCK + 300, 0x3c);
            rig.dax.io().write(file, BLOCK - 100, ByteBuffer.wrap(data));
            DaxMapping m = rig.extents.map(INO, 0, 4);
            assertThat(m.state()).isEqualTo(BlockState.WRITTEN);
            byte[] raw = new byte[10];
            rig.windows.read(m.deviceBlock() * BLOCK + BLOCK - 100, ByteBuffer.wrap(raw));
            assertThat(raw).isEqualTo(DaxRig.filled(10, 0x3c));
            byte[] head = new byte[BLOCK - 100];
            rig.dax.io().read(file, 0, ByteBuffer.wrap(head));
            assertThat(head).as("the uncovered head of a new block is zero").isEqualTo(new byte[BLOCK - 100]);
        }
    }

    @Test
    void unwrittenBlocksReadAsZerosWhateverTheDeviceHolds() throws Exception {
        try (DaxRig rig = new DaxRig()) {
            DaxFile file = rig.dax.file(INO);
            rig.extents.preallocate(INO, 0, 2);
            DaxMapping m = rig.extents.map(INO, 0, 2);
            rig.windows.write(m.deviceBlock() * BLOCK, ByteBuffer.wrap(DaxRig.filled(2 * BLOCK, 0xee)));
            byte[] got = new byte[2 * BLOCK];
            rig.dax.io().read(file, 0, ByteBuffer.wrap(got));
            assertThat(got).isEqualTo(new byte[2 * BLOCK]);
            rig.dax.io().write(file, 10, ByteBuffer.wrap(new byte[] {1}));
            rig.dax.io().read(file, 0, ByteBuffer.wrap(got));
            byte[] expected = new byte[2 * BLOCK];
            expected[10] = 1;
            assertThat(got).as("written block zeroed around the write, the other still unwritten").isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @EnumSource(DaxRig.Backend.class)
    void runningOutOfSpaceIsENOSPC(DaxRig.Backend backend) throws Exception {
        try (DaxRig rig = new DaxRig(DaxProtection.ON, backend)) {
            DaxFile file = rig.dax.file(INO);
            // more than the whole device
            assertThatThrownBy(() -> rig.dax.io().write(file, 0, ByteBuffer.allocate((int) (DaxRig.DEVICE_BLOCKS * BLOCK))))
                    .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOSPC));
        }
    }

    @ParameterizedTest
    @EnumSource(DaxRig.Backend.class)
    void randomWritesPunchesTruncatesAndMappedStoresMatchAByteArrayModel(DaxRig.Backend backend) throws Exception {
        try (DaxRig rig = new DaxRig(DaxProtection.ON, backend)) {
            DaxFile file = rig.dax.file(INO);
            DaxMmap mmap = new DaxMmap(rig.dax, file);
            int max = 24 * BLOCK;
            byte[] model = new byte[max];
            long size = 0;
            Random random = new Random(2016);
            for (int step = 0; step < 400; step++) {
                int op = random.nextInt(10);
                int off = random.nextInt(max - 1);
                int len = 1 + random.nextInt(Math.min(max - off, 3 * BLOCK));
                byte[] data = new byte[len];
                random.nextBytes(data);
                if (op < 4) {
                    rig.dax.io().write(file, off, ByteBuffer.wrap(data));
                    System.arraycopy(data, 0, model, off, len);
                    size = Math.max(size, off + len);
                } else if (op < 6 && size > 0) {
                    int o = random.nextInt((int) size);
                    int l = 1 + random.nextInt((int) size - o);
                    byte[] d = Arrays.copyOf(data, l);
                    mmap.store(o, d);
                    System.arraycopy(d, 0, model, o, l);
                } else if (op == 6) {
                    rig.dax.io().punch(file, off, len);
                    Arrays.fill(model, off, off + len, (byte) 0);
                } else if (op == 7) {
                    long newSize = random.nextInt((int) size + 1);
                    rig.dax.io().truncate(file, newSize);
                    Arrays.fill(model, (int) newSize, max, (byte) 0);
                    size = newSize;
                } else if (size > 0) {
                    int o = random.nextInt((int) size);
                    int l = 1 + random.nextInt((int) size - o);
                    byte[] got = new byte[l];
                    if (op == 8) {
                        rig.dax.io().read(file, o, ByteBuffer.wrap(got));
                    } else {
                        mmap.load(o, ByteBuffer.wrap(got));
                    }
                    assertThat(got).as("step %d read [%d, +%d)", step, o, l).isEqualTo(Arrays.copyOfRange(model, o, o + l));
                }
            }
            byte[] all = new byte[max];
            rig.dax.io().read(file, 0, ByteBuffer.wrap(all));
            assertThat(all).isEqualTo(model);
        }
    }
}
