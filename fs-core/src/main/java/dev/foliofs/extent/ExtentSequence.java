package dev.foliofs.extent;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-inode extent sequence numbers (DESIGN invariant 1). Every change of an inode's
 * extent map gives the inode a new number; a mapping cached with the number it was built from
 * is stale as soon as {@link #current} differs.
 *
 * <p>Numbers come from one counter for the whole mount, so a number is never reused: an
 * inode whose entry is {@link #forget forgotten} (evicted from the inode cache) and later
 * looked at again gets a fresh number, which is merely conservative (cached mappings of it
 * become stale). Numbers live in memory only; they mean nothing across mounts.
 */
public final class ExtentSequence {
    private final AtomicLong counter = new AtomicLong();
    private final ConcurrentHashMap<Long, Long> byInode = new ConcurrentHashMap<>();

    /** The current number of {@code ino}: cheap, lock-free. */
    public long current(long ino) {
        Long s = byInode.get(ino);
        if (s != null) {
            return s;
        }
        return byInode.computeIfAbsent(ino, i -> counter.incrementAndGet());
    }

    /** Gives {@code ino} a new number; called by every extent-map change. Returns it. */
    public long bump(long ino) {
        long next = counter.incrementAndGet();
        byInode.put(ino, next);
        return next;
    }

    /** Drops the entry of an inode leaving memory; its next number will be new. */
    public void forget(long ino) {
        byInode.remove(ino);
    }
}
