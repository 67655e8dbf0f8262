package dev.foliofs.dax;

import static dev.foliofs.dax.DaxRig.BLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.dax.DaxFaultRace2016Test.Worker;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Free-running threads faulting, loading, storing, reading, writing and punching the same few
 * pages, while a checker thread repeatedly verifies invariant 4 on the installed pages (no zero
 * page over a written block, no page over a block the file no longer owns). Sized small: the
 * deterministic race tests prove the interleavings; this one looks for what they did not think of.
 */
class DaxConcurrencyTest {
    static final long INO = 5;
    static final int PAGES = 6;
    static final int THREADS = 4;
    static final int OPS = 250;

    @ParameterizedTest
    @EnumSource(DaxRig.Backend.class)
    void installedPagesAlwaysMatchTheExtentMapUnderConcurrentFaultsWritesAndPunches(DaxRig.Backend backend)
            throws Exception {
        try (DaxRig rig = new DaxRig(DaxProtection.ON, backend)) {
            DaxFile file = rig.dax.file(INO);
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Worker checker = Worker.start("checker", () -> {
                while (running.get()) {
                    problems.addAll(rig.dax.checkInstalledPages(file));
                    Thread.onSpinWait();
                }
            });
            List<Worker> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = 2016L * 31 + t;
                workers.add(Worker.start("dax-" + t, () -> randomOps(rig, file, new Random(seed))));
            }
            for (Worker w : workers) {
                w.join();
            }
            running.set(false);
            checker.join();
            problems.addAll(rig.dax.checkInstalledPages(file));

            assertThat(problems).isEmpty();
            DaxMmap mmap = new DaxMmap(rig.dax, file);
            for (int p = 0; p < PAGES; p++) {
                byte[] viaRead = new byte[BLOCK];
                rig.dax.io().read(file, (long) p * BLOCK, ByteBuffer.wrap(viaRead));
                assertThat(mmap.load((long) p * BLOCK, BLOCK)).as("page %d", p).isEqualTo(viaRead);
            }
            assertThat(rig.metrics().faults()).isPositive();
        }
    }

    private static void randomOps(DaxRig rig, DaxFile file, Random random) {
        DaxMmap mmap = new DaxMmap(rig.dax, file);
        for (int i = 0; i < OPS; i++) {
            long page = random.nextInt(PAGES);
            int in = random.nextInt(BLOCK - 64);
            byte[] data = new byte[1 + random.nextInt(64)];
            random.nextBytes(data);
            switch (random.nextInt(6)) {
                case 0 -> mmap.load(page * BLOCK + in, data.length);
                case 1 -> mmap.store(page * BLOCK + in, data);
                case 2 -> rig.dax.io().read(file, page * BLOCK + in, ByteBuffer.allocate(data.length));
                case 3 -> rig.dax.io().write(file, page * BLOCK + in, ByteBuffer.wrap(data));
                case 4 -> rig.dax.io().punch(file, page * BLOCK, BLOCK);
                default -> rig.dax.faults().fault(file, page, random.nextBoolean());
            }
        }
    }
}
