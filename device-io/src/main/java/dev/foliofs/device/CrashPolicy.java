package dev.foliofs.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Decides the fate of each write that was not yet flushed when power was lost. A policy is a
 * pure function of the unflushed writes (random ones are seeded), so a crash state can always
 * be reproduced from the policy and the workload.
 */
@FunctionalInterface
public interface CrashPolicy {

    /** The sector size torn writes are cut at unless a policy says otherwise. */
    int SECTOR_SIZE = 512;

    /** One fate per write, in the order of {@code unflushed} (oldest first). */
    List<WriteFate> decide(List<RecordedWrite> unflushed);

    /** No unflushed write reached the medium. */
    static CrashPolicy dropAll() {
        return writes -> fill(writes.size(), WriteFate.drop());
    }

    /** Every unflushed write reached the medium (as if the flush had happened). */
    static CrashPolicy keepAll() {
        return writes -> fill(writes.size(), WriteFate.keep());
    }

    /**
     * The first {@code n} unflushed writes reached the medium and the rest did not: a device
     * that writes in order and lost power part way.
     */
    static CrashPolicy keepFirst(int n) {
        return writes -> {
            List<WriteFate> fates = new ArrayList<>(writes.size());
            for (int i = 0; i < writes.size(); i++) {
                fates.add(i < n ? WriteFate.keep() : WriteFate.drop());
            }
            return fates;
        };
    }

    /**
     * Every unflushed write is kept except the last, of which only the first {@code sectors}
     * 512-byte sectors reached the medium.
     */
    static CrashPolicy tearLast(int sectors) {
        return writes -> {
            List<WriteFate> fates = fill(writes.size(), WriteFate.keep());
            if (!writes.isEmpty()) {
                int last = writes.size() - 1;
                fates.set(last, WriteFate.tornAfterSectors(writes.get(last), sectors, SECTOR_SIZE));
            }
            return fates;
        };
    }

    /** An explicit fate per write; writes beyond the list are dropped. */
    static CrashPolicy decisions(List<WriteFate> fates) {
        List<WriteFate> copy = List.copyOf(fates);
        return writes -> {
            List<WriteFate> out = new ArrayList<>(writes.size());
            for (int i = 0; i < writes.size(); i++) {
                out.add(i < copy.size() ? copy.get(i) : WriteFate.drop());
            }
            return out;
        };
    }

    /** Each write independently dropped, kept or torn at a 512-byte sector boundary. */
    static CrashPolicy random(long seed) {
        return random(seed, SECTOR_SIZE);
    }

    /**
     * Each write independently dropped, kept or torn (equally likely); a torn write keeps a
     * random, non-empty, proper prefix of the {@code sectorSize} sectors it touches. A write
     * inside a single sector cannot tear and is kept or dropped instead. The same seed and
     * writes always give the same fates.
     */
    static CrashPolicy random(long seed, int sectorSize) {
        return writes -> {
            Random random = new Random(seed);
            List<WriteFate> fates = new ArrayList<>(writes.size());
            for (RecordedWrite w : writes) {
                long firstSector = Math.floorDiv(w.offset(), sectorSize);
                long lastSector = Math.floorDiv(w.end() - 1, sectorSize);
                int spanned = (int) (lastSector - firstSector + 1);
                int choice = random.nextInt(3);
                if (choice == 2 && spanned > 1) {
                    int sectors = 1 + random.nextInt(spanned - 1);
                    fates.add(WriteFate.tornAfterSectors(w, sectors, sectorSize));
                } else {
                    fates.add(choice == 0 ? WriteFate.drop() : WriteFate.keep());
                }
            }
            return fates;
        };
    }

    private static List<WriteFate> fill(int n, WriteFate fate) {
        List<WriteFate> fates = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fates.add(fate);
        }
        return fates;
    }
}
