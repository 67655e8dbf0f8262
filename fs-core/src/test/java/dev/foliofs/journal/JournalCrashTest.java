package dev.foliofs.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.btree.Tree;
import dev.foliofs.device.CrashPolicy;
import dev.foliofs.device.FaultInjectingDevice;
import dev.foliofs.device.MemoryBlockDevice;
import dev.foliofs.fsck.Fsck;
import dev.foliofs.fsck.FsckReport;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.Volumes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Power loss after every single device write of a workload, under several fates of the
 * unflushed writes: all dropped, all kept, the last one torn after its first sector, and a
 * random mix per crash point. After each: mount (replay), the trees must equal the model as of
 * some completed operation no older than the last sync that returned and no newer than the
 * last operation begun before the crash; then unmount, and fsck must find nothing wrong.
 *
 * <p>The workload is small (a 4 MiB device, a 64-block journal) but goes through every path:
 * commits by size and by sync, checkpoints when the journal is half full, the journal
 * wrapping, node splits and merges, and the clean unmount at the end.
 */
class JournalCrashTest {
    private static final int TREES = 4;

    /** The state after one operation, and the device write count around it. */
    private record Snapshot(Map<Integer, TreeMap<Long, byte[]>> trees, long writesBefore, long writesAfter, boolean synced) {
    }

    @Test
    void everyCrashPointRecoversToACommittedState() throws Exception {
        MemoryBlockDevice disk = Volumes.formatted(4 << 20, 64);
        FaultInjectingDevice dev = FaultInjectingDevice.keepingHistory(disk.reopen());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<Snapshot> snapshots = runWorkload(dev, registry);
        long writes = dev.writeCount();
        assertThat(writes).isGreaterThan(40);
        // the workload reaches the interesting paths: several checkpoints, and the journal wrapped
        assertThat(registry.get("foliofs.journal.checkpoints").counter().count()).isGreaterThan(3);
        assertThat(registry.get("foliofs.journal.bytes").counter().count()).isGreaterThan(2 * 64 * 4096);

        List<CrashPolicy> policies = List.of(CrashPolicy.dropAll(), CrashPolicy.keepAll(), CrashPolicy.tearLast(1));
        int checked = 0;
        for (long n = 0; n <= writes; n++) {
            List<CrashPolicy> here = new ArrayList<>(policies);
            here.add(CrashPolicy.random(n));
            for (int p = 0; p < here.size(); p++) {
                MemoryBlockDevice state = dev.stateAfterWrite(n, here.get(p));
                verify(state, snapshots, n, "crash after write " + n + " with policy " + p);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(4 * (writes + 1));
    }

    private static List<Snapshot> runWorkload(FaultInjectingDevice dev, SimpleMeterRegistry registry) {
        Random random = new Random(7);
        List<Snapshot> snapshots = new ArrayList<>();
        Map<Integer, TreeMap<Long, byte[]>> model = new HashMap<>();
        for (int t = 1; t <= TREES; t++) {
            model.put(t, new TreeMap<>());
        }
        snapshots.add(new Snapshot(copy(model), 0, 0, true));
        MountedVolume v = MountedVolume.open(dev, Volumes.options().withRegistry(registry));
        for (int tx = 0; tx < 30; tx++) {
            int updates = 1 + random.nextInt(3);
            for (int u = 0; u < updates; u++) {
                int changes = tx % 5 == 4 && u == 0 ? 150 : 1 + random.nextInt(30);
                List<long[]> ops = new ArrayList<>();
                for (int i = 0; i < changes; i++) {
                    ops.add(new long[] {1 + random.nextInt(TREES), random.nextInt(600), random.nextInt(5) == 0 ? -1 : random.nextInt(90)});
                }
                long before = dev.writeCount();
                v.update(() -> {
                    for (long[] op : ops) {
                        Tree tree = v.tree(op[0]);
                        if (op[2] < 0) {
                            tree.delete(Volumes.key(op[1]));
                        } else {
                            tree.put(Volumes.key(op[1]), Volumes.value(op[1] + op[2], (int) op[2]));
                        }
                    }
                    return null;
                });
                for (long[] op : ops) {
                    if (op[2] < 0) {
                        model.get((int) op[0]).remove(op[1]);
                    } else {
                        model.get((int) op[0]).put(op[1], Volumes.value(op[1] + op[2], (int) op[2]));
                    }
                }
                snapshots.add(new Snapshot(copy(model), before, dev.writeCount(), false));
            }
            if (random.nextInt(4) != 0) {
                long before = dev.writeCount();
                v.sync();
                snapshots.add(new Snapshot(copy(model), before, dev.writeCount(), true));
            }
        }
        long before = dev.writeCount();
        v.close();
        snapshots.add(new Snapshot(copy(model), before, dev.writeCount(), true));
        return snapshots;
    }

    private static void verify(MemoryBlockDevice state, List<Snapshot> snapshots, long n, String what) {
        // the oldest acceptable state: the last one a completed sync made durable before this crash point
        int oldest = 0;
        int newest = 0;
        for (int i = 0; i < snapshots.size(); i++) {
            Snapshot s = snapshots.get(i);
            if (s.synced() && s.writesAfter() < n) {
                oldest = i;
            }
            if (s.writesBefore() <= n) {
                newest = i;
            }
        }
        Map<Integer, TreeMap<Long, byte[]>> actual;
        try (MountedVolume v = MountedVolume.open(state.reopen(), Volumes.options())) {
            actual = read(v);
        }
        boolean matched = false;
        for (int i = oldest; i <= newest && !matched; i++) {
            matched = same(actual, snapshots.get(i).trees());
        }
        assertThat(matched).as("%s: trees equal a state between operations %d and %d", what, oldest, newest).isTrue();
        FsckReport report = new Fsck(false, line -> { }, List.of()).run(state.reopen());
        assertThat(report.problems()).as("%s: fsck", what).isEmpty();
        assertThat(report.exitCode()).as(what).isZero();
    }

    private static Map<Integer, TreeMap<Long, byte[]>> read(MountedVolume v) {
        Map<Integer, TreeMap<Long, byte[]>> trees = new HashMap<>();
        for (int t = 1; t <= TREES; t++) {
            TreeMap<Long, byte[]> m = new TreeMap<>();
            v.tree(t).scan(null, null, e -> {
                m.put(ByteBuffer.wrap(e.key()).getLong(), e.value());
                return true;
            });
            trees.put(t, m);
        }
        return trees;
    }

    private static boolean same(Map<Integer, TreeMap<Long, byte[]>> a, Map<Integer, TreeMap<Long, byte[]>> b) {
        for (int t = 1; t <= TREES; t++) {
            TreeMap<Long, byte[]> x = a.get(t);
            TreeMap<Long, byte[]> y = b.get(t);
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Map.Entry<Long, byte[]> e : x.entrySet()) {
                if (!java.util.Arrays.equals(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Map<Integer, TreeMap<Long, byte[]>> copy(Map<Integer, TreeMap<Long, byte[]>> model) {
        Map<Integer, TreeMap<Long, byte[]>> c = new HashMap<>();
        model.forEach((k, v) -> c.put(k, new TreeMap<>(v)));
        return c;
    }
}
