package dev.foliofs.device;

import static dev.foliofs.device.TestImages.contents;
import static dev.foliofs.device.TestImages.filled;
import static dev.foliofs.device.TestImages.read;
import static dev.foliofs.device.TestImages.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class FaultInjectingDeviceTest {
    static final int SIZE = 64 * 1024;

    final MemoryBlockDevice memory = MemoryBlockDevice.ofSize(SIZE);
    final FaultInjectingDevice device = new FaultInjectingDevice(memory);

    @Nested
    class FailingRequests {
        @Test
        void aWriteFailedOnceRaisesDeviceIOExceptionAndWritesNothing() throws IOException {
            InjectedFault fault = device.failOnce(IoRequest.writes().and(IoRequest.touching(8192, 1)));

            assertThatThrownBy(() -> write(device, 4096, filled(8192, 1)))
                    .isInstanceOfSatisfying(DeviceIOException.class, e -> {
                        assertThat(e.op()).isEqualTo(DeviceIOException.Op.WRITE);
                        assertThat(e.offset()).isEqualTo(4096);
                        assertThat(e.length()).isEqualTo(8192);
                    });
            assertThat(read(memory, 4096, 8192)).containsOnly(0);
            assertThat(device.writeCount()).isZero();

            write(device, 4096, filled(8192, 1));
            assertThat(read(memory, 4096, 8192)).containsOnly(1);
            assertThat(fault.hits()).isEqualTo(1);
        }

        @Test
        void aPersistentReadFaultFailsUntilRemoved() throws IOException {
            InjectedFault fault = device.failAlways(IoRequest.reads().and(IoRequest.touching(0, 512)));
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> read(device, 100, 10)).isInstanceOf(DeviceIOException.class)
                        .hasMessageContaining("injected");
            }
            assertThat(read(device, 512, 10)).containsOnly(0);
            fault.remove();
            assertThat(read(device, 100, 10)).containsOnly(0);
            assertThat(fault.hits()).isEqualTo(3);
        }

        @Test
        void theNthWriteCanBeChosen() throws IOException {
            device.failOnce(IoRequest.nth(DeviceIOException.Op.WRITE, 3));
            write(device, 0, new byte[] {1});
            write(device, 1, new byte[] {2});
            assertThatThrownBy(() -> write(device, 2, new byte[] {3})).isInstanceOf(DeviceIOException.class);
            write(device, 2, new byte[] {4});
            assertThat(read(device, 0, 3)).containsExactly(1, 2, 4);
        }

        @Test
        void aFailedFlushLeavesTheWritesUnflushed() throws IOException {
            write(device, 0, filled(512, 1));
            device.failOnce(IoRequest.flushes());
            assertThatThrownBy(device::flush).isInstanceOf(DeviceIOException.class);
            assertThat(device.unflushedWrites()).hasSize(1);
            assertThat(device.flushCount()).isZero();
            device.flush();
            assertThat(device.unflushedWrites()).isEmpty();
        }

        @Test
        void clearFaultsDisarmsEverything() throws IOException {
            device.failAlways(r -> true);
            device.clearFaults();
            write(device, 0, new byte[] {1});
            device.flush();
            assertThat(read(device, 0, 1)).containsExactly(1);
        }
    }

    @Nested
    class Recording {
        @Test
        void recordsEveryWriteSinceTheLastFlushInOrder() throws IOException {
            write(device, 0, filled(100, 1));
            device.flush();
            write(device, 1000, filled(10, 2));
            write(device, 50, filled(20, 3));

            List<RecordedWrite> unflushed = device.unflushedWrites();
            assertThat(unflushed).extracting(RecordedWrite::sequence).containsExactly(2L, 3L);
            assertThat(unflushed).extracting(RecordedWrite::offset).containsExactly(1000L, 50L);
            assertThat(bytes(unflushed.get(1).data())).containsOnly(3).hasSize(20);
            assertThat(device.writeCount()).isEqualTo(3);
            assertThat(device.flushCount()).isEqualTo(1);
        }

        @Test
        void theRecordedDataIsACopyNotTheCallersBuffer() throws IOException {
            byte[] data = filled(16, 7);
            write(device, 0, data);
            data[0] = 99;
            assertThat(bytes(device.unflushedWrites().get(0).data())).containsOnly(7);
        }
    }

    @Nested
    class PowerLoss {
        @Test
        void droppingKeepsOnlyWhatWasFlushed() throws IOException {
            write(device, 0, filled(4096, 1));
            device.flush();
            write(device, 0, filled(1024, 2));
            write(device, 8192, filled(4096, 3));

            MemoryBlockDevice after = device.crash(CrashPolicy.dropAll());
            assertThat(read(after, 0, 4096)).containsOnly(1);
            assertThat(read(after, 8192, 4096)).containsOnly(0);
        }

        @Test
        void keepingShowsEveryWrite() throws IOException {
            write(device, 0, filled(4096, 1));
            device.flush();
            write(device, 0, filled(1024, 2));
            write(device, 8192, filled(4096, 3));

            MemoryBlockDevice after = device.crash(CrashPolicy.keepAll());
            assertThat(contents(after)).isEqualTo(contents(memory));
        }

        @Test
        void aTornWriteKeepsOnlyAPrefixOfWholeSectors() throws IOException {
            write(device, 1024, filled(4096, 1));
            device.flush();
            write(device, 1024, filled(4096, 2));

            MemoryBlockDevice after = device.crash(CrashPolicy.tearLast(3));
            assertThat(read(after, 1024, 3 * 512)).containsOnly(2);
            assertThat(read(after, 1024 + 3 * 512, 4096 - 3 * 512)).containsOnly(1);
        }

        @Test
        void aTearStartingMidSectorCutsAtTheDeviceSectorBoundary() throws IOException {
            write(device, 1000, filled(2000, 5));
            MemoryBlockDevice after = device.crash(CrashPolicy.tearLast(1));
            // the write starts in sector 1 (512..1023): only its 24 bytes up to 1024 survive
            assertThat(read(after, 1000, 24)).containsOnly(5);
            assertThat(read(after, 1024, 1976)).containsOnly(0);
        }

        @Test
        void explicitDecisionsApplyPerWriteInWriteOrder() throws IOException {
            write(device, 0, filled(512, 1));
            write(device, 0, filled(512, 2));
            write(device, 512, filled(1024, 3));

            MemoryBlockDevice keepFirstOnly = device.crash(CrashPolicy.decisions(
                    List.of(WriteFate.keep(), WriteFate.drop(), WriteFate.torn(512))));
            assertThat(read(keepFirstOnly, 0, 512)).containsOnly(1);
            assertThat(read(keepFirstOnly, 512, 512)).containsOnly(3);
            assertThat(read(keepFirstOnly, 1024, 512)).containsOnly(0);

            MemoryBlockDevice laterWins = device.crash(CrashPolicy.decisions(List.of(WriteFate.keep(), WriteFate.keep())));
            assertThat(read(laterWins, 0, 512)).containsOnly(2);
            assertThat(read(laterWins, 512, 1024)).containsOnly(0);
        }

        @Test
        void keepFirstAppliesOnlyTheFirstNUnflushedWrites() throws IOException {
            for (int i = 0; i < 5; i++) {
                write(device, i * 512L, filled(512, i + 1));
            }
            MemoryBlockDevice after = device.crash(CrashPolicy.keepFirst(2));
            assertThat(read(after, 0, 512)).containsOnly(1);
            assertThat(read(after, 512, 512)).containsOnly(2);
            assertThat(read(after, 1024, 4 * 512)).containsOnly(0);
        }

        @Test
        void crashLeavesTheWrappedDeviceAloneAndKillsTheWrapper() throws IOException {
            write(device, 0, filled(512, 1));
            byte[] before = contents(memory);
            device.crash(CrashPolicy.dropAll());
            MemoryBlockDevice second = device.crash(CrashPolicy.keepAll());

            assertThat(contents(memory)).isEqualTo(before);
            assertThat(read(second, 0, 512)).containsOnly(1);
            assertThat(device.powerLost()).isTrue();
            assertThatThrownBy(() -> write(device, 0, new byte[1])).hasMessageContaining("power lost");
            assertThatThrownBy(() -> read(device, 0, 1)).hasMessageContaining("power lost");
            assertThatThrownBy(device::flush).hasMessageContaining("power lost");
        }

        @Test
        void aRandomPolicyIsDeterministicAndReachesEveryOutcome() throws IOException {
            for (int i = 0; i < 12; i++) {
                write(device, i * 4096L, filled(4096, i + 1));
            }
            List<RecordedWrite> writes = device.unflushedWrites();
            Set<WriteFate.Kind> seen = EnumSet.noneOf(WriteFate.Kind.class);
            for (long seed = 0; seed < 20; seed++) {
                List<WriteFate> fates = CrashPolicy.random(seed).decide(writes);
                assertThat(CrashPolicy.random(seed).decide(writes)).isEqualTo(fates);
                fates.forEach(f -> seen.add(f.kind()));
                for (WriteFate f : fates) {
                    if (f.kind() == WriteFate.Kind.TORN) {
                        assertThat(f.keptBytes()).isPositive().isLessThan(4096);
                        assertThat(f.keptBytes() % 512).isZero();
                    }
                }
                assertThat(contents(device.crash(CrashPolicy.random(seed))))
                        .isEqualTo(contents(device.crash(CrashPolicy.random(seed))));
            }
            assertThat(seen).containsExactlyInAnyOrder(WriteFate.Kind.values());
        }

        @Test
        void crashInPlaceRewritesAFileImageThatCanBeReopened() throws IOException {
            Path image = TestImages.sparseImage("crash-in-place", SIZE);
            try {
                try (FaultInjectingDevice onFile = new FaultInjectingDevice(FileBlockDevice.open(image, OpenOptions.DEFAULT))) {
                    write(onFile, 0, filled(4096, 1));
                    onFile.flush();
                    write(onFile, 0, filled(4096, 2));
                    write(onFile, 4096, filled(4096, 3));
                    onFile.crashInPlace(CrashPolicy.keepFirst(0));
                }
                try (BlockDevice reopened = FileBlockDevice.open(image, OpenOptions.DEFAULT)) {
                    assertThat(read(reopened, 0, 4096)).containsOnly(1);
                    assertThat(read(reopened, 4096, 4096)).containsOnly(0);
                }
            } finally {
                TestImages.delete(image);
            }
        }
    }

    /**
     * The intended use: a workload of writes and flushes; for every crash point, the crashed
     * device holds exactly the flushed prefix plus what the policy kept.
     */
    @Nested
    class EveryCrashPoint {
        /** Writes block i with value i+1; flushes after writes 2 and 5. */
        void workload(BlockDevice dev) throws IOException {
            for (int i = 0; i < 7; i++) {
                write(dev, i * 1024L, filled(1024, i + 1));
                if (i == 1 || i == 4) {
                    dev.flush();
                }
            }
        }

        /** The blocks a crash after write n shows when unflushed writes are dropped / kept. */
        byte[] expected(int n, boolean keepUnflushed) {
            int durable = n > 5 ? 5 : n > 2 ? 2 : 0;
            int visible = keepUnflushed ? n : durable;
            byte[] image = new byte[SIZE];
            for (int i = 0; i < visible; i++) {
                java.util.Arrays.fill(image, i * 1024, (i + 1) * 1024, (byte) (i + 1));
            }
            return image;
        }

        @Test
        void cuttingPowerAfterEachWrite() throws IOException {
            FaultInjectingDevice probe = new FaultInjectingDevice(MemoryBlockDevice.ofSize(SIZE));
            workload(probe);
            assertThat(probe.writeCount()).isEqualTo(7);

            for (int n = 0; n <= 7; n++) {
                FaultInjectingDevice dev = new FaultInjectingDevice(MemoryBlockDevice.ofSize(SIZE));
                dev.cutPowerAfterWrite(n);
                if (n < 7) {
                    assertThatThrownBy(() -> workload(dev)).hasMessageContaining("power lost");
                } else {
                    workload(dev);
                }
                assertThat(dev.writeCount()).isEqualTo(n);
                assertThat(contents(dev.crash(CrashPolicy.dropAll()))).as("drop, n=%d", n).isEqualTo(expected(n, false));
                assertThat(contents(dev.crash(CrashPolicy.keepAll()))).as("keep, n=%d", n).isEqualTo(expected(n, true));
            }
        }

        @Test
        void oneRecordedRunGivesTheSameStatesAsCuttingPower() throws IOException {
            FaultInjectingDevice recorded = FaultInjectingDevice.keepingHistory(MemoryBlockDevice.ofSize(SIZE));
            workload(recorded);
            for (int n = 0; n <= 7; n++) {
                FaultInjectingDevice cut = new FaultInjectingDevice(MemoryBlockDevice.ofSize(SIZE));
                cut.cutPowerAfterWrite(n);
                try {
                    workload(cut);
                } catch (DeviceIOException powerLost) {
                    assertThat(powerLost).hasMessageContaining("power lost");
                }
                for (CrashPolicy policy : List.of(CrashPolicy.dropAll(), CrashPolicy.keepAll(), CrashPolicy.tearLast(1),
                        CrashPolicy.random(n))) {
                    assertThat(contents(recorded.stateAfterWrite(n, policy)))
                            .as("crash point %d", n)
                            .isEqualTo(contents(cut.crash(policy)));
                }
            }
            assertThatThrownBy(() -> recorded.stateAfterWrite(8, CrashPolicy.dropAll()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * Property: whatever the writes and flushes, a crash yields the last flushed image with the
     * policy's fates applied, in order, to the writes since.
     */
    @Property(tries = 200)
    void crashEqualsTheFlushedImagePlusTheChosenFates(@ForAll @LongRange(min = 0, max = 1000) long seed,
                                                      @ForAll @IntRange(min = 1, max = 40) int ops) throws IOException {
        Random random = new Random(seed);
        FaultInjectingDevice dev = new FaultInjectingDevice(MemoryBlockDevice.ofSize(8192));
        byte[] flushed = new byte[8192];
        List<byte[]> pendingData = new ArrayList<>();
        List<Integer> pendingOffsets = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            if (random.nextInt(5) == 0) {
                dev.flush();
                for (int w = 0; w < pendingData.size(); w++) {
                    System.arraycopy(pendingData.get(w), 0, flushed, pendingOffsets.get(w), pendingData.get(w).length);
                }
                pendingData.clear();
                pendingOffsets.clear();
            } else {
                int offset = random.nextInt(8000);
                byte[] data = new byte[1 + random.nextInt(8192 - offset)];
                random.nextBytes(data);
                write(dev, offset, data);
                pendingData.add(data);
                pendingOffsets.add(offset);
            }
        }
        List<WriteFate> fates = CrashPolicy.random(seed).decide(dev.unflushedWrites());
        byte[] expected = flushed.clone();
        for (int w = 0; w < pendingData.size(); w++) {
            int kept = fates.get(w).survivingBytes(dev.unflushedWrites().get(w));
            System.arraycopy(pendingData.get(w), 0, expected, pendingOffsets.get(w), kept);
        }
        assertThat(contents(dev.crash(CrashPolicy.random(seed)))).isEqualTo(expected);
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
