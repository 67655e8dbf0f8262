package dev.foliofs.volume;

import static dev.foliofs.volume.Volumes.key;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.btree.Tree;
import dev.foliofs.btree.TreeChecker;
import dev.foliofs.device.CrashPolicy;
import dev.foliofs.device.FaultInjectingDevice;
import dev.foliofs.device.MemoryBlockDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The B+tree through the real store (block cache, journal, checkpoints) against a TreeMap
 * model: random puts, deletes and lookups in operations of a few changes each, with syncs,
 * clean close and reopen, and power loss right after a sync (the synced state must be back).
 * The device is small and so are the cache and the journal, so blocks are evicted and read
 * back, the journal wraps and checkpoints often.
 */
class TreeThroughJournalModelTest {
    private static final int OPS = 25_000;

    @Test
    void treeMatchesTheModelAcrossSyncsReopensAndCrashes() throws Exception {
        MemoryBlockDevice disk = Volumes.formatted(16 << 20, 128);
        Random random = new Random(42);
        TreeMap<Long, byte[]> model = new TreeMap<>();
        TreeMap<Long, byte[]> synced = new TreeMap<>();
        FaultInjectingDevice dev = new FaultInjectingDevice(disk.reopen());
        MountedVolume v = open(dev);
        int reopens = 0;
        int crashes = 0;
        for (int op = 0; op < OPS; op++) {
            int batch = 1 + random.nextInt(8);
            List<long[]> changes = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                long k = random.nextInt(10_000);
                changes.add(new long[] {k, random.nextInt(4) == 0 ? -1 : random.nextInt(120)});
            }
            MountedVolume vol = v;
            vol.update(() -> {
                for (long[] c : changes) {
                    if (c[1] < 0) {
                        vol.extents().delete(key(c[0]));
                    } else {
                        vol.extents().put(key(c[0]), Volumes.value(c[0] + c[1], (int) c[1]));
                    }
                }
                return null;
            });
            for (long[] c : changes) {
                if (c[1] < 0) {
                    model.remove(c[0]);
                } else {
                    model.put(c[0], Volumes.value(c[0] + c[1], (int) c[1]));
                }
            }
            long probe = random.nextInt(10_000);
            assertThat(v.read(() -> vol.extents().get(key(probe)))).isEqualTo(model.get(probe));
            int dice = random.nextInt(2000);
            if (dice < 40) {
                v.sync();
                synced = new TreeMap<>(model);
            } else if (dice < 48) {
                v.close();
                synced = new TreeMap<>(model);
                dev = new FaultInjectingDevice(disk.reopen());
                v = open(dev);
                reopens++;
                assertEquals(v.extents(), model);
            } else if (dice < 54) {
                v.sync();
                synced = new TreeMap<>(model);
                disk = dev.crash(CrashPolicy.dropAll());
                dev = new FaultInjectingDevice(disk.reopen());
                v = open(dev);
                crashes++;
                assertEquals(v.extents(), synced);
                model = new TreeMap<>(synced);
            }
        }
        assertEquals(v.extents(), model);
        assertThat(TreeChecker.check(v.store(), 3).problems()).isEmpty();
        assertThat(TreeChecker.check(v.store(), 5).problems()).isEmpty();
        v.close();
        assertThat(reopens).isPositive();
        assertThat(crashes).isPositive();
    }

    private static MountedVolume open(FaultInjectingDevice dev) {
        return MountedVolume.open(dev, Volumes.options().withMetadataCacheBytes(64 * 4096).withMaxTransactionBlocks(24));
    }

    private static void assertEquals(Tree tree, TreeMap<Long, byte[]> model) {
        TreeMap<Long, byte[]> actual = new TreeMap<>();
        tree.scan(null, null, e -> {
            actual.put(java.nio.ByteBuffer.wrap(e.key()).getLong(), e.value());
            return true;
        });
        assertThat(new ArrayList<>(actual.keySet())).isEqualTo(new ArrayList<>(model.keySet()));
        for (Map.Entry<Long, byte[]> e : model.entrySet()) {
            if (!Arrays.equals(actual.get(e.getKey()), e.getValue())) {
                throw new AssertionError("value of key " + e.getKey() + " differs from the model");
            }
        }
    }
}
