package dev.foliofs.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.device.MemoryBlockDevice;
import dev.foliofs.format.Features;
import dev.foliofs.format.Geometry;
import dev.foliofs.format.Superblock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JournalTest {
    private static final int BS = 4096;
    private final Geometry geometry = new Geometry(BS, 1024, 1, 64);
    private final MemoryBlockDevice device = MemoryBlockDevice.ofSize(1024L * BS);

    private Superblock superblock(long epoch, long tailSeq, long tailPos) {
        return new Superblock(Superblock.VERSION, geometry, Features.NONE, UUID.randomUUID(), "", new long[6], 0, epoch, tailSeq,
                tailPos, false, 0);
    }

    private static SortedMap<Long, byte[]> images(long first, int count, int fill) {
        SortedMap<Long, byte[]> m = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[BS];
            ByteBuffer.wrap(b).putLong(0, first + i).putInt(8, fill);
            m.put(first + i, b);
        }
        return m;
    }

    private static long[] roots(long r) {
        return new long[] {0, r, r + 1, 0, 0, r + 4};
    }

    @Test
    void replayFindsEveryTransactionInOrderAcrossTheWrap() throws Exception {
        Journal journal = new Journal(device, geometry, 77, 1, 0);
        List<Long> seqs = new ArrayList<>();
        long tailSeq = 1;
        long tailPos = 0;
        for (int t = 0; t < 12; t++) {
            if (!journal.fits(10)) {
                tailSeq = journal.nextSeq();
                tailPos = journal.headPosition();
                journal.checkpointed();
                seqs.clear();
            }
            seqs.add(journal.append(roots(t), images(100 + t, 10, t)));
        }
        Journal.Recovery recovery = Journal.scan(device, superblock(77, tailSeq, tailPos));
        assertThat(recovery.transactions()).extracting(JournalTransaction::seq).containsExactlyElementsOf(seqs);
        JournalTransaction last = recovery.transactions().get(recovery.transactions().size() - 1);
        assertThat(last.roots()).containsExactly(roots(11));
        assertThat(ByteBuffer.wrap(last.images().get(111L)).getInt(8)).isEqualTo(11);
        assertThat(recovery.nextSeq()).isEqualTo(13);
    }

    @Test
    void aCheckpointOfTheFirstTransactionsKeepsTheLaterOnesAndTheirSpaceAcrossTheWrap() throws Exception {
        Journal journal = new Journal(device, geometry, 77, 1, 0);
        for (int t = 0; t < 4; t++) {
            journal.append(roots(t), images(100 + t, 10, t)); // 12 blocks each: 0..48 of 64
        }
        journal.checkpointed();
        journal.append(roots(4), images(104, 10, 4)); // 48..60
        long seq = journal.nextSeq();
        long position = journal.headPosition();
        journal.append(roots(5), images(105, 10, 5)); // wraps: 0..12, the 4 blocks at the end skipped
        journal.append(roots(6), images(106, 10, 6)); // 12..24
        journal.checkpointedTo(seq, position); // the transaction at 48 is home; the two after it stay
        assertThat(journal.tailSeq()).isEqualTo(seq);
        assertThat(journal.tailPos()).isEqualTo(60);
        assertThat(journal.usedBlocks()).isEqualTo(4 + 12 + 12);
        assertThat(journal.fits(31)).isTrue(); // 24..60 is free again: 36 blocks
        assertThat(journal.fits(35)).isFalse();

        Journal.Recovery recovery = Journal.scan(device, superblock(77, seq, position));
        assertThat(recovery.transactions()).extracting(JournalTransaction::seq).containsExactly(6L, 7L);
        journal.checkpointedTo(seq - 1, 48); // an older checkpoint than the tail changes nothing
        assertThat(journal.usedBlocks()).isEqualTo(4 + 12 + 12);
    }

    @Test
    void recordsOfAnotherEpochAreStale() throws Exception {
        Journal journal = new Journal(device, geometry, 5, 1, 0);
        journal.append(roots(1), images(100, 3, 1));
        assertThat(Journal.scan(device, superblock(6, 1, 0)).transactions()).isEmpty();
        assertThat(Journal.scan(device, superblock(5, 1, 0)).transactions()).hasSize(1);
    }

    @Test
    void aTornImageHidesItsTransactionAndEverythingAfter() throws Exception {
        Journal journal = new Journal(device, geometry, 5, 1, 0);
        journal.append(roots(1), images(100, 3, 1));
        journal.append(roots(2), images(200, 3, 2));
        journal.append(roots(3), images(300, 3, 3));
        // the second record starts at journal block 5 (1 descriptor + 3 images + 1 commit): damage its second image
        device.write((1 + 5 + 2) * BS + 100L, ByteBuffer.wrap(new byte[] {9}));
        Journal.Recovery recovery = Journal.scan(device, superblock(5, 1, 0));
        assertThat(recovery.transactions()).extracting(JournalTransaction::seq).containsExactly(1L);
    }

    @Test
    void largeTransactionsSpanSeveralDescriptorBlocks() throws Exception {
        Geometry big = new Geometry(BS, 4096, 1, 1200);
        MemoryBlockDevice dev = MemoryBlockDevice.ofSize(4096L * BS);
        Journal journal = new Journal(dev, big, 9, 1, 0);
        assertThat(journal.descriptorBlocks(1000)).isEqualTo(2);
        assertThat(journal.descriptorBlocks(1100)).isEqualTo(3);
        journal.append(roots(1), images(1300, 1100, 4));
        Superblock sb = new Superblock(Superblock.VERSION, big, Features.NONE, UUID.randomUUID(), "", new long[6], 0, 9, 1, 0,
                false, 0);
        JournalTransaction t = Journal.scan(dev, sb).transactions().get(0);
        assertThat(t.images()).hasSize(1100);
        assertThat(t.images().keySet()).first().isEqualTo(1300L);
        assertThat(ByteBuffer.wrap(t.images().get(2399L)).getLong(0)).isEqualTo(2399L);
    }
}
