package dev.foliofs.dax;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import java.util.concurrent.locks.Lock;

/**
 * The DAX fault handler: resolves a file page to device memory and installs it in the inode's
 * {@link InstalledPages} (the analogue of the page-table entry a fault installs).
 *
 * <p>The locking protocol (DESIGN 1.2, invariant 4), after the 2016 hole/allocation race where
 * a read fault that had seen a hole installed the zero page over blocks a racing write fault
 * had just allocated and written:
 * <ol>
 * <li>every fault first runs under the inode's mmaplock shared;</li>
 * <li>a read fault on a hole or unwritten block installs the shared zero page;</li>
 * <li>a write fault that finds it must allocate or convert does not: it backs out (EAGAIN),
 *     drops the shared lock and runs again under the exclusive lock, where no other fault can
 *     be between "saw a hole" and "installed the zero page";</li>
 * <li>allocation and conversion invalidate the pages installed over the range;</li>
 * <li>before installing, the mapping is validated against the extent sequence number
 *     (invariant 1); a stale one is mapped again.</li>
 * </ol>
 * So a zero page is never installed over an allocated block, and an installed page never
 * outlives the mapping it came from.
 */
public final class DaxFaults {
    private final Dax dax;

    DaxFaults(Dax dax) {
        this.dax = dax;
    }

    /**
     * Handles a fault on file page {@code index} of {@code file} and returns the page now
     * installed there: for a read, the block's memory or the zero page; for a write, the block's
     * memory (allocated and zeroed if it was a hole, zeroed and converted if unwritten).
     * The caller holds no mmaplock. A page at or past EOF (when the file is
     * {@link DaxFile#boundBy bound} by its size) fails with FsException(ENXIO), the SIGBUS of
     * a real mapping.
     */
    public InstalledPage fault(DaxFile file, long index, boolean write) {
        dax.metrics().fault(write);
        Lock shared = file.mmapLock().readLock();
        if (!dax.protection().faultLocking()) {
            shared.lock();
            try {
                return resolve(file, index, write, true);
            } finally {
                shared.unlock();
            }
        }
        shared.lock();
        try {
            InstalledPage page = resolve(file, index, write, false);
            if (page != null) {
                return page;
            }
        } finally {
            shared.unlock();
        }
        // EAGAIN: this fault must allocate; only the exclusive lock keeps other faults out.
        dax.metrics().retry();
        dax.hooks().reached(DaxPoint.FAULT_BEFORE_EXCLUSIVE_RETRY, file.ino(), index);
        Lock exclusive = file.mmapLock().writeLock();
        exclusive.lock();
        try {
            InstalledPage page = resolve(file, index, write, true);
            assert page != null;
            return page;
        } finally {
            exclusive.unlock();
        }
    }

    /**
     * One attempt under the mmaplock. Returns the installed page, or null (EAGAIN) when a
     * write needs allocation and {@code allocOk} is false.
     */
    private InstalledPage resolve(DaxFile file, long index, boolean write, boolean allocOk) {
        long ino = file.ino();
        if (file.pastEof(index, dax.blockSize())) {
            throw new FsException(Errno.ENXIO, "SIGBUS: inode " + ino + " page " + index + " is past EOF");
        }
        for (;;) {
            DaxMapping m = dax.extents().map(ino, index, 1);
            if (m.state() == BlockState.WRITTEN) {
                dax.hooks().reached(DaxPoint.FAULT_BEFORE_INSTALL, ino, index);
                if (!dax.valid(ino, m)) {
                    continue;
                }
                long deviceBlock = m.deviceBlockOf(index);
                return install(file, new InstalledPage(index, dax.block(deviceBlock), false, deviceBlock, m.sequence()));
            }
            if (!write) {
                dax.hooks().reached(DaxPoint.FAULT_BEFORE_ZERO_PAGE, ino, index);
                if (!dax.valid(ino, m)) {
                    continue;
                }
                dax.metrics().zeroPage();
                return install(file, new InstalledPage(index, dax.zeroPage(), true, InstalledPage.NO_BLOCK, m.sequence()));
            }
            if (!allocOk) {
                return null;
            }
            DaxMapping backing = m.state() == BlockState.HOLE ? dax.extents().allocate(ino, index, 1) : m;
            long deviceBlock = backing.deviceBlockOf(index);
            dax.zero(deviceBlock, 0, dax.blockSize());
            dax.persist(deviceBlock, 1);
            dax.extents().convert(ino, index, 1);
            dax.invalidate(file, index, index + 1);
            long sequence = dax.extents().sequence(ino);
            return install(file, new InstalledPage(index, dax.block(deviceBlock), false, deviceBlock, sequence));
        }
    }

    private static InstalledPage install(DaxFile file, InstalledPage page) {
        file.pages().install(page);
        return page;
    }
}
