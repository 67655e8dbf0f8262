package dev.foliofs.btree;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Throughput of the B+tree alone, on the in-memory node store (no journal, no checksums):
 * inserts, lookups, scans and deletes of 1M entries with 8-byte keys and 100-byte values,
 * in sequential and random key order, 1000 operations per transaction. Rates are given per
 * second of this thread's CPU time, so that other load on the machine does not distort them
 * (wall-clock rates in brackets). A benchmark, not a test: run it with
 * {@code java -cp fs-core/target/classes:fs-core/target/test-classes:<deps> dev.foliofs.btree.BTreeBench [keys]}.
 */
public final class BTreeBench {
    private static final int BATCH = 1_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private BTreeBench() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up
            boolean report = round == 2;
            run("sequential", n, sequential(n), report);
            run("random", n, shuffled(n), report);
        }
    }

    private static long[] sequential(int n) {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = i;
        }
        return keys;
    }

    private static long[] shuffled(int n) {
        long[] keys = sequential(n);
        Random r = new Random(1);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
        for (int i = 0; i < n; i++) {
            keys[i] = keys[i] * 0x9E3779B97F4A7C15L; // spread over the key space
        }
        return keys;
    }

    private static byte[] key(long k) {
        return ByteBuffer.allocate(8).putLong(k).array();
    }

    private static void run(String order, int n, long[] keys, boolean report) {
        MemoryNodeStore store = new MemoryNodeStore(4096);
        BTree tree = new BTree(store, 1);
        byte[] value = new byte[100];
        new Random(2).nextBytes(value);

        long[] cpu = new long[5];
        long[] wall = new long[5];
        mark(cpu, wall, 0);
        for (int i = 0; i < n; i += BATCH) {
            int from = i;
            store.transaction(() -> {
                for (int j = from; j < Math.min(n, from + BATCH); j++) {
                    tree.put(key(keys[j]), value);
                }
            });
        }
        mark(cpu, wall, 1);
        long found = 0;
        for (int i = 0; i < n; i++) {
            if (tree.get(key(keys[(int) ((i * 7919L) % n)])) != null) {
                found++;
            }
        }
        mark(cpu, wall, 2);
        long[] scanned = {0};
        tree.scan(null, null, e -> ++scanned[0] > 0);
        mark(cpu, wall, 3);
        for (int i = 0; i < n; i += BATCH) {
            int from = i;
            store.transaction(() -> {
                for (int j = from; j < Math.min(n, from + BATCH); j++) {
                    tree.delete(key(keys[j]));
                }
            });
        }
        mark(cpu, wall, 4);
        if (found != n || scanned[0] != n || store.root(1) != 0) {
            throw new AssertionError("benchmark tree lost entries: found " + found + ", scanned " + scanned[0]);
        }
        if (report) {
            String[] names = {"insert", "lookup", "scan", "delete"};
            StringBuilder line = new StringBuilder(String.format("%-10s %,d keys:", order, n));
            for (int k = 0; k < 4; k++) {
                line.append(String.format("  %s %,.0f/s (%,.0f)", names[k],
                        rate(n, cpu[k + 1] - cpu[k]), rate(n, wall[k + 1] - wall[k])));
            }
            System.out.println(line);
        }
    }

    private static void mark(long[] cpu, long[] wall, int i) {
        cpu[i] = THREADS.getCurrentThreadCpuTime();
        wall[i] = System.nanoTime();
    }

    private static double rate(int n, long nanos) {
        return n * 1e9 / nanos;
    }
}
