package dev.foliofs.journal;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.format.Geometry;
import dev.foliofs.format.Superblock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The write-ahead redo log: a circular region of the device holding full images of metadata
 * blocks, one transaction after another.
 *
 * <h2>Record layout</h2>
 * A transaction of {@code n} block images occupies {@code D + n + 1} consecutive journal
 * blocks, written with one device write and then flushed:
 * <pre>
 * descriptor (D blocks)  first block: magic "FJDESC01", epoch, seq, n, D, roots of trees 1..5,
 *                        then home block numbers (u64 each) continuing into the next D-1 blocks;
 *                        the first block ends with a CRC32C of its other bytes
 * images (n blocks)      the block images, in descriptor order
 * commit (1 block)       magic "FJCOMMIT", epoch, seq, n, CRC32C over descriptor and images,
 *                        then a CRC32C of the commit record itself
 * </pre>
 * A transaction that does not fit before the end of the region starts at journal block 0.
 *
 * <h2>Replay</h2>
 * Replay starts at the superblock's tail position looking for the tail sequence number, and
 * follows transactions while each is complete and its checksums hold; a transaction that is
 * not at the expected position is looked for at block 0 (the wrap). The epoch, a random number
 * chosen at every read-write mount, makes every record of an earlier mount stale: sequence
 * numbers are unique within an epoch, so no old or torn record can pass for the expected one.
 *
 * <h2>Space</h2>
 * Journal space is reused only after a checkpoint (the volume writes the images home,
 * flushes, and records the new tail in the superblock), so replay never meets a half-overwritten
 * transaction it still needs. Not thread-safe: the volume calls it under its exclusive lock,
 * except {@link #write}, which reads only final fields and may run outside it.
 */
public final class Journal {
    static final long DESC_MAGIC = 0x464A444553433031L; // "FJDESC01"
    static final long COMMIT_MAGIC = 0x464A434F4D4D4954L; // "FJCOMMIT"
    private static final int DESC_HEADER = 80;

    private final BlockDevice device;
    private final int blockSize;
    private final long regionStart;
    private final long regionBlocks;
    private final long epoch;
    private long nextSeq;
    private long tailSeq;
    private long tailPos;
    private long head;
    private long used;
    private boolean empty = true;

    /**
     * A journal ready to append in {@code epoch}, starting at {@code position} with sequence
     * {@code nextSeq}; the superblock must already name this epoch, sequence and position as
     * its tail before the first {@link #append}.
     */
    public Journal(BlockDevice device, Geometry geometry, long epoch, long nextSeq, long position) {
        this.device = device;
        this.blockSize = geometry.blockSize();
        this.regionStart = geometry.journalStart();
        this.regionBlocks = geometry.journalBlocks();
        this.epoch = epoch;
        this.nextSeq = nextSeq;
        this.tailSeq = nextSeq;
        this.tailPos = position >= regionBlocks ? 0 : position;
        this.head = tailPos;
    }

    /** Descriptor blocks needed for {@code n} images. */
    int descriptorBlocks(int n) {
        int first = (blockSize - DESC_HEADER - 4) / 8;
        return n <= first ? 1 : 1 + (int) ((n - first + blockSize / 8 - 1) / (blockSize / 8));
    }

    /** Journal blocks a transaction of {@code n} images takes. */
    public long blocksFor(int n) {
        return descriptorBlocks(n) + n + 1L;
    }

    /** The largest transaction (in images) the region can hold at all. */
    public int maxImages() {
        int n = (int) Math.min(Integer.MAX_VALUE - 1, regionBlocks - 2);
        while (n > 0 && blocksFor(n) > regionBlocks) {
            n--;
        }
        return n;
    }

    /** Where a transaction of {@code size} blocks would start now, or -1 if a checkpoint must come first. */
    private long place(long size) {
        if (size > regionBlocks) {
            return -1;
        }
        if (empty) {
            return head + size <= regionBlocks ? head : 0;
        }
        if (head > tail()) {
            if (head + size <= regionBlocks) {
                return head;
            }
            return size <= tail() ? 0 : -1;
        }
        if (head < tail()) {
            return head + size <= tail() ? head : -1;
        }
        return -1; // head == tail and not empty: full
    }

    private long tail() {
        return tailPos;
    }

    /** True if a transaction of {@code n} images can be appended without a checkpoint first. */
    public boolean fits(int n) {
        return place(blocksFor(n)) >= 0;
    }

    /**
     * A transaction that has its place and sequence number in the journal but is not written
     * yet: what {@link #reserve} hands out and {@link #write} puts on the device.
     */
    public record Reservation(long seq, long start, long[] roots, SortedMap<Long, byte[]> images) {
    }

    /**
     * Appends one transaction and flushes the device: when this returns, the transaction
     * survives a crash. The caller checked {@link #fits}. Returns its sequence number.
     */
    public long append(long[] roots, SortedMap<Long, byte[]> images) throws IOException {
        Reservation r = reserve(roots, images);
        write(r);
        return r.seq();
    }

    /**
     * Gives the next transaction its sequence number and place, and counts its space as used;
     * nothing is written. The caller checked {@link #fits}, must not change {@code images}
     * afterwards, and must {@link #write} reservations in the order they were made, each one
     * completely before the next (replay stops at the first missing one) and all of them
     * before the next {@link #checkpointed}. Splitting the two lets the volume reserve under
     * its lock and write outside it.
     */
    public Reservation reserve(long[] roots, SortedMap<Long, byte[]> images) {
        int n = images.size();
        long size = blocksFor(n);
        long start = place(size);
        if (start < 0) {
            throw new IllegalStateException("transaction of " + size + " journal blocks does not fit; checkpoint first");
        }
        for (Map.Entry<Long, byte[]> e : images.entrySet()) {
            if (e.getValue().length != blockSize) {
                throw new IllegalArgumentException("image of block " + e.getKey() + " is " + e.getValue().length + " bytes");
            }
        }
        long seq = nextSeq;
        if (empty) {
            tailPos = start;
            used = size;
        } else {
            used += size + (start == head ? 0 : regionBlocks - head); // blocks skipped at the wrap count as used
        }
        head = start + size;
        empty = false;
        nextSeq++;
        return new Reservation(seq, start, roots.clone(), images);
    }

    /**
     * Builds the record of a reserved transaction (descriptor, images, commit block), writes it
     * with one device write and flushes: when this returns, the transaction survives a crash.
     * Touches no journal state, so it may run while the next transaction is being reserved.
     */
    public void write(Reservation r) throws IOException {
        SortedMap<Long, byte[]> images = r.images();
        int n = images.size();
        long size = blocksFor(n);
        long seq = r.seq();
        int d = descriptorBlocks(n);
        ByteBuffer record = ByteBuffer.allocate((int) (size * blockSize));
        record.putLong(0, DESC_MAGIC).putLong(8, epoch).putLong(16, seq).putInt(24, n).putInt(28, d);
        for (int owner = 1; owner <= Superblock.MAX_OWNER; owner++) {
            record.putLong(32 + 8 * (owner - 1), r.roots()[owner]);
        }
        int entry = 0;
        int imageAt = d * blockSize;
        for (Map.Entry<Long, byte[]> e : images.entrySet()) {
            record.putLong(entryOffset(entry++), e.getKey());
            record.put(imageAt, e.getValue());
            imageAt += blockSize;
        }
        byte[] bytes = record.array();
        CRC32C descCrc = new CRC32C();
        descCrc.update(bytes, 0, blockSize - 4);
        record.putInt(blockSize - 4, (int) descCrc.getValue());
        CRC32C body = new CRC32C();
        body.update(bytes, 0, (d + n) * blockSize);
        int commitAt = (d + n) * blockSize;
        record.putLong(commitAt, COMMIT_MAGIC).putLong(commitAt + 8, epoch).putLong(commitAt + 16, seq)
                .putInt(commitAt + 24, n).putInt(commitAt + 28, (int) body.getValue());
        CRC32C commitCrc = new CRC32C();
        commitCrc.update(bytes, commitAt, 32);
        record.putInt(commitAt + 32, (int) commitCrc.getValue());
        device.write((regionStart + r.start()) * blockSize, record.rewind());
        device.flush();
    }

    private int entryOffset(int entry) {
        int first = (blockSize - DESC_HEADER - 4) / 8;
        if (entry < first) {
            return DESC_HEADER + 8 * entry;
        }
        int rest = entry - first;
        return blockSize * (1 + rest / (blockSize / 8)) + 8 * (rest % (blockSize / 8));
    }

    /**
     * Every appended transaction is now home (the caller wrote the images, flushed and
     * recorded {@link #tailSeq()} / {@link #tailPos()} in the superblock): their space is free.
     * Call after reading the new tail, i.e. the caller records {@code nextSeq()} and
     * {@code headPosition()} as the new tail first.
     */
    public void checkpointed() {
        tailSeq = nextSeq;
        tailPos = head >= regionBlocks ? 0 : head;
        head = tailPos;
        used = 0;
        empty = true;
    }

    /**
     * The transactions before {@code seq}, which end at {@code position}, are home (the caller
     * wrote their images, flushed and recorded {@code seq} / {@code position} as the tail in the
     * superblock); those reserved since stay. {@code seq} and {@code position} are what
     * {@link #nextSeq()} and {@link #headPosition()} returned when that checkpoint began. An
     * older checkpoint than the tail already recorded changes nothing.
     */
    public void checkpointedTo(long seq, long position) {
        if (seq <= tailSeq) {
            return;
        }
        if (seq == nextSeq) {
            checkpointed();
            return;
        }
        tailSeq = seq;
        tailPos = position >= regionBlocks ? 0 : position;
        long h = head >= regionBlocks ? 0 : head;
        long distance = (h - tailPos + regionBlocks) % regionBlocks; // blocks skipped at a wrap lie in between too
        used = distance == 0 ? regionBlocks : distance;
    }

    public long epoch() {
        return epoch;
    }

    /** Sequence number the next transaction gets. */
    public long nextSeq() {
        return nextSeq;
    }

    /** Position the next transaction would be looked for at by replay after a checkpoint now. */
    public long headPosition() {
        return head >= regionBlocks ? 0 : head;
    }

    public long tailSeq() {
        return tailSeq;
    }

    public long tailPos() {
        return tailPos;
    }

    /** Journal blocks holding transactions not yet checkpointed (including space skipped at the wrap). */
    public long usedBlocks() {
        return used;
    }

    public long regionBlocks() {
        return regionBlocks;
    }

    // ------------------------------------------------------------------ replay

    /**
     * What replay found: the complete transactions from the superblock's tail, in order, and
     * where the journal continues after them.
     */
    public record Recovery(List<JournalTransaction> transactions, long nextSeq, long nextPosition) {
        public long blocks() {
            return transactions.stream().mapToLong(t -> t.images().size()).sum();
        }

        /** The last image of every block, for writing home. */
        public SortedMap<Long, byte[]> finalImages() {
            SortedMap<Long, byte[]> all = new TreeMap<>();
            for (JournalTransaction t : transactions) {
                all.putAll(t.images());
            }
            return all;
        }
    }

    /**
     * Reads, without writing anything, every complete and checksummed transaction of the
     * superblock's epoch from its tail on. Throws {@code FsException(EIO)} if the device fails.
     */
    public static Recovery scan(BlockDevice device, Superblock sb) {
        Geometry g = sb.geometry();
        long region = g.journalBlocks();
        long pos = sb.journalTailPos() >= region ? 0 : sb.journalTailPos();
        long seq = sb.journalTailSeq();
        List<JournalTransaction> found = new ArrayList<>();
        Reader reader = new Reader(device, g, sb.journalEpoch());
        while (true) {
            Reader.Found f = reader.at(pos, seq);
            if (f == null && pos != 0) {
                f = reader.at(0, seq);
            }
            if (f == null) {
                break;
            }
            found.add(f.transaction());
            pos = f.end() >= region ? 0 : f.end();
            seq++;
        }
        return new Recovery(List.copyOf(found), seq, pos);
    }

    /** Reads and validates one transaction at a journal position. */
    private static final class Reader {
        record Found(JournalTransaction transaction, long end) {
        }

        private final BlockDevice device;
        private final int blockSize;
        private final long regionStart;
        private final long regionBlocks;
        private final long epoch;

        Reader(BlockDevice device, Geometry g, long epoch) {
            this.device = device;
            this.blockSize = g.blockSize();
            this.regionStart = g.journalStart();
            this.regionBlocks = g.journalBlocks();
            this.epoch = epoch;
        }

        Found at(long pos, long seq) {
            byte[] first = read(pos, 1);
            ByteBuffer b = ByteBuffer.wrap(first);
            if (b.getLong(0) != DESC_MAGIC || b.getLong(8) != epoch || b.getLong(16) != seq) {
                return null;
            }
            CRC32C c = new CRC32C();
            c.update(first, 0, blockSize - 4);
            if (b.getInt(blockSize - 4) != (int) c.getValue()) {
                return null;
            }
            int n = b.getInt(24);
            int d = b.getInt(28);
            long size = (long) d + n + 1;
            if (n < 0 || d < 1 || pos + size > regionBlocks) {
                return null;
            }
            byte[] all = read(pos, (int) size);
            ByteBuffer r = ByteBuffer.wrap(all);
            int commitAt = (d + n) * blockSize;
            if (r.getLong(commitAt) != COMMIT_MAGIC || r.getLong(commitAt + 8) != epoch || r.getLong(commitAt + 16) != seq
                    || r.getInt(commitAt + 24) != n) {
                return null;
            }
            CRC32C commitCrc = new CRC32C();
            commitCrc.update(all, commitAt, 32);
            if (r.getInt(commitAt + 32) != (int) commitCrc.getValue()) {
                return null;
            }
            CRC32C body = new CRC32C();
            body.update(all, 0, commitAt);
            if (r.getInt(commitAt + 28) != (int) body.getValue()) {
                return null;
            }
            long[] roots = new long[Superblock.MAX_OWNER + 1];
            for (int owner = 1; owner <= Superblock.MAX_OWNER; owner++) {
                roots[owner] = r.getLong(32 + 8 * (owner - 1));
            }
            SortedMap<Long, byte[]> images = new TreeMap<>();
            int firstEntries = (blockSize - DESC_HEADER - 4) / 8;
            for (int i = 0; i < n; i++) {
                int off = i < firstEntries ? DESC_HEADER + 8 * i
                        : blockSize * (1 + (i - firstEntries) / (blockSize / 8)) + 8 * ((i - firstEntries) % (blockSize / 8));
                long home = r.getLong(off);
                byte[] image = new byte[blockSize];
                System.arraycopy(all, (d + i) * blockSize, image, 0, blockSize);
                images.put(home, image);
            }
            return new Found(new JournalTransaction(seq, roots, images), pos + size);
        }

        private byte[] read(long pos, int blocks) {
            byte[] bytes = new byte[blocks * blockSize];
            try {
                device.read((regionStart + pos) * blockSize, ByteBuffer.wrap(bytes));
            } catch (IOException e) {
                throw new FsException(Errno.EIO, "cannot read the journal at journal block " + pos + ": " + e.getMessage(), e);
            }
            return bytes;
        }
    }
}
