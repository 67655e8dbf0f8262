package dev.foliofs.dax;

/**
 * The two protections of direct access, each switchable off for tests only: the race tests
 * turn one or both off to show the corruption they prevent. Production code uses {@link #ON}.
 *
 * @param faultLocking   faults run under the mmaplock shared; a fault that must allocate or
 *                       convert backs out (EAGAIN) and retries under the exclusive lock
 *                       (DESIGN invariant 4). Off: faults allocate under the shared lock.
 * @param sequenceCheck  a mapping is validated against the inode's extent sequence number
 *                       before it is installed or used for a copy (DESIGN invariant 1); a stale
 *                       one is thrown away and the range mapped again. Off: trusted as cached.
 */
public record DaxProtection(boolean faultLocking, boolean sequenceCheck) {
    public static final DaxProtection ON = new DaxProtection(true, true);
    /** Test only: both protections off, the 2016 race is possible. */
    public static final DaxProtection OFF = new DaxProtection(false, false);
}
