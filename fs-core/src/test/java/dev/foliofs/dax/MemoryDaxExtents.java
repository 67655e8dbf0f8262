package dev.foliofs.dax;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A block-by-block extent map in memory for the DAX tests: the model of what the extent layer
 * answers, with sequence numbers that move on every change and never repeat. Blocks are
 * handed out from {@code firstBlock} upwards; freed blocks are reused first (so a stale
 * mapping can point at another file's data, as on a real device).
 */
final class MemoryDaxExtents implements TestExtents {
    private record Block(long deviceBlock, boolean unwritten) { }

    private final Map<Long, TreeMap<Long, Block>> files = new HashMap<>();
    private final Map<Long, Long> sequences = new HashMap<>();
    private final AtomicLong sequenceSource = new AtomicLong(1);
    private final Deque<Long> freed = new ArrayDeque<>();
    private long next;
    private final long limit;

    MemoryDaxExtents(long firstBlock, long limit) {
        this.next = firstBlock;
        this.limit = limit;
    }

    @Override
    public synchronized DaxMapping map(long ino, long fileBlock, long maxBlocks) {
        TreeMap<Long, Block> blocks = blocks(ino);
        long seq = sequence(ino);
        Block first = blocks.get(fileBlock);
        if (first == null) {
            Long nextKey = blocks.higherKey(fileBlock);
            long n = nextKey == null ? maxBlocks : Math.min(maxBlocks, nextKey - fileBlock);
            return new DaxMapping(fileBlock, n, BlockState.HOLE, -1, seq);
        }
        long n = 1;
        while (n < maxBlocks) {
            Block b = blocks.get(fileBlock + n);
            if (b == null || b.unwritten() != first.unwritten() || b.deviceBlock() != first.deviceBlock() + n) {
                break;
            }
            n++;
        }
        return new DaxMapping(fileBlock, n, first.unwritten() ? BlockState.UNWRITTEN : BlockState.WRITTEN,
                first.deviceBlock(), seq);
    }

    @Override
    public synchronized long sequence(long ino) {
        return sequences.computeIfAbsent(ino, i -> sequenceSource.getAndIncrement());
    }

    @Override
    public synchronized DaxMapping allocate(long ino, long fileBlock, long maxBlocks) {
        TreeMap<Long, Block> blocks = blocks(ino);
        if (blocks.containsKey(fileBlock)) {
            throw new IllegalStateException("allocating over an allocated block " + fileBlock + " of inode " + ino);
        }
        long first = take();
        blocks.put(fileBlock, new Block(first, true));
        long n = 1;
        while (n < maxBlocks && !blocks.containsKey(fileBlock + n) && freed.isEmpty() && next < limit
                && next == first + n) {
            blocks.put(fileBlock + n, new Block(take(), true));
            n++;
        }
        bump(ino);
        return new DaxMapping(fileBlock, n, BlockState.UNWRITTEN, first, sequence(ino));
    }

    /** Preallocation (fallocate mode 0): unwritten blocks over the holes of the range. */
    @Override
    public synchronized void preallocate(long ino, long fileBlock, long blocks) {
        TreeMap<Long, Block> map = blocks(ino);
        for (long b = fileBlock; b < fileBlock + blocks; b++) {
            map.putIfAbsent(b, new Block(take(), true));
        }
        bump(ino);
    }

    @Override
    public synchronized void convert(long ino, long fileBlock, long blocks) {
        TreeMap<Long, Block> map = blocks(ino);
        for (long b = fileBlock; b < fileBlock + blocks; b++) {
            Block old = map.get(b);
            if (old == null) {
                throw new IllegalStateException("converting a hole at " + b);
            }
            map.put(b, new Block(old.deviceBlock(), false));
        }
        bump(ino);
    }

    @Override
    public synchronized void unmap(long ino, long fileBlock, long blocks) {
        var range = blocks(ino).subMap(fileBlock, true, fileBlock + Math.min(blocks, Long.MAX_VALUE - fileBlock), false);
        range.values().forEach(b -> freed.addLast(b.deviceBlock()));
        range.clear();
        bump(ino);
    }

    @Override
    public synchronized long allocatedBlocks(long ino) {
        return blocks(ino).size();
    }

    private long take() {
        if (!freed.isEmpty()) {
            return freed.removeFirst();
        }
        if (next >= limit) {
            throw new FsException(Errno.ENOSPC, "no free block");
        }
        return next++;
    }

    private void bump(long ino) {
        sequences.put(ino, sequenceSource.getAndIncrement());
    }

    private TreeMap<Long, Block> blocks(long ino) {
        return files.computeIfAbsent(ino, i -> new TreeMap<>());
    }
}
