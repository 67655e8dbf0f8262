package dev.foliofs.dax;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.data.DataContext;
import dev.foliofs.data.DataRequests;
import dev.foliofs.data.FileData;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.device.MappedWindows;
import dev.foliofs.extent.Extent;
import dev.foliofs.inode.Inode;
import dev.foliofs.inode.InodeTable;
import dev.foliofs.volume.MeteredBlockDevice;
import dev.foliofs.volume.Volume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The DAX data path of the vfs ({@link FileData}): reads and writes copy straight between the
 * caller's buffer and the device's mapped windows, with no folio cache and no writeback. A
 * write is in device memory when it returns; {@link #fsync} makes it durable (msync of the
 * file's blocks, then the journal).
 *
 * <p>Select it with {@code FsOptions.withData(DaxFileData.factory(devicePath))} (the mount
 * option {@code dax}): the device the volume was opened from (image file or block device node)
 * is mapped at mount and unmapped at {@link #close}. {@code factory(windows)} takes a mapping
 * the caller owns.
 *
 * <p>Locks as the seam's contract gives them: the vfs holds the iolock (and the mmaplock
 * exclusive for truncate and fallocate); {@link DaxIo} takes the mmaplock for each copy and
 * the extent layer takes the metadata lock and ilock.
 */
public final class DaxFileData implements FileData {
    private final Dax dax;
    private final Volume volume;
    private final InodeTable inodes;
    private final MappedWindows windows;
    private final VolumeDaxExtents extents;
    private final int blockSize;
    private final boolean ownsWindows;

    public DaxFileData(DataContext context, MappedWindows windows, DaxProtection protection, DaxHooks hooks) {
        this(context, windows, false, protection, hooks);
    }

    private DaxFileData(DataContext context, MappedWindows windows, boolean ownsWindows, DaxProtection protection,
                        DaxHooks hooks) {
        this.ownsWindows = ownsWindows;
        this.volume = context.volume();
        this.inodes = context.inodes();
        this.windows = windows;
        this.blockSize = volume.blockSize();
        if (windows.size() < volume.device().size()) {
            throw new FsException(Errno.EINVAL, "DAX windows of " + windows.size() + " bytes do not cover the device of "
                    + volume.device().size() + " bytes");
        }
        this.extents = new VolumeDaxExtents(volume, context.extents(), ino -> {
            Inode inode = inodes.find(ino);
            return inode == null ? null : inode.ilock;
        });
        this.dax = new Dax(windows, blockSize, extents, protection, hooks, context.registry());
    }

    /** The DAX data path over {@code windows}, protections on. */
    public static FileData.Factory factory(MappedWindows windows) {
        Objects.requireNonNull(windows, "windows");
        return context -> new DaxFileData(context, windows, DaxProtection.ON, DaxHooks.NONE);
    }

    /**
     * The DAX data path over {@code device} (the image file or block device node the volume is
     * on), mapped read-write in 1 GiB windows when the filesystem is put together and unmapped
     * when it closes. EIO if it cannot be mapped.
     */
    public static FileData.Factory factory(Path device) {
        return factory(device, false);
    }

    /** As {@link #factory(Path)}, mapped read-only for a read-only mount when {@code readOnly}. */
    public static FileData.Factory factory(Path device, boolean readOnly) {
        Objects.requireNonNull(device, "device");
        return context -> {
            MappedWindows windows;
            try {
                windows = MappedWindows.map(device, readOnly);
            } catch (IOException e) {
                throw new FsException(Errno.EIO, "cannot map " + device + " for DAX: " + e.getMessage(), e);
            }
            try {
                return new DaxFileData(context, windows, true, DaxProtection.ON, DaxHooks.NONE);
            } catch (RuntimeException e) {
                windows.close();
                throw e;
            }
        };
    }

    /**
     * The DAX data path over the volume's own device when that device is mapped windows
     * (e.g. a volume opened with mapped IO); otherwise EINVAL at mount.
     */
    public static FileData.Factory factory() {
        return context -> {
            BlockDevice device = context.volume().device();
            while (device instanceof MeteredBlockDevice metered) {
                device = metered.inner();
            }
            if (!(device instanceof MappedWindows windows)) {
                throw new FsException(Errno.EINVAL, "DAX needs a mapped device, not " + device.describe());
            }
            return new DaxFileData(context, windows, DaxProtection.ON, DaxHooks.NONE);
        };
    }

    public Dax dax() {
        return dax;
    }

    /** The DAX state of {@code inode}, under the in-core inode's own mmaplock. */
    public DaxFile file(Inode inode) {
        DaxFile file = dax.file(inode.ino(), inode.mmaplock);
        if (!file.bounded()) {
            file.boundBy(() -> inode.record().size());
        }
        return file;
    }

    /** A shared memory mapping of the file, as mmap(2) of a DAX file gives a process. */
    public DaxMmap mmap(Inode inode) {
        return new DaxMmap(dax, file(inode));
    }

    @Override
    public int read(Inode inode, long offset, ByteBuffer dst) {
        DataRequests.checkRead(offset);
        long size = inode.record().size();
        if (offset >= size || !dst.hasRemaining()) {
            return 0;
        }
        int n = (int) Math.min(dst.remaining(), size - offset);
        int limit = dst.limit();
        dst.limit(dst.position() + n); // no slice per request: the FUSE buffer is used as it is
        try {
            dax.io().read(file(inode), offset, dst);
        } finally {
            dst.limit(limit);
        }
        return n;
    }

    @Override
    public int write(Inode inode, long offset, ByteBuffer src) {
        int n = src.remaining();
        DataRequests.checkWrite(offset, n);
        if (n == 0) {
            return 0;
        }
        int start = src.position();
        long oldSize = inode.record().size();
        DaxFile file = file(inode);
        try {
            dax.io().write(file, offset, src);
        } catch (RuntimeException e) {
            // ENOSPC (or EIO) part way: bytes inside the file stay written, as a short write
            // would leave them; what went past EOF is taken back so that the EOF block keeps
            // zeros past EOF and no block lingers past it
            if (offset + (src.position() - start) > oldSize) {
                dax.io().truncate(file, oldSize);
            }
            src.position(start);
            throw e;
        }
        growTo(inode, offset + n);
        return n;
    }

    @Override
    public void truncate(Inode inode, long newSize) {
        DataRequests.checkSize(newSize);
        if (newSize < inode.record().size()) {
            dax.io().truncate(file(inode), newSize);
        }
        // growing needs no data work: the bytes of the EOF block past EOF are zeros (kept so
        // by truncate and punch), and blocks past it are holes
        metadata(inode, () -> inodes.update(inode, r -> r.withSize(newSize)));
    }

    @Override
    public void fallocate(Inode inode, int mode, long offset, long length) {
        DataRequests.checkFallocate(mode, offset, length);
        long end = offset + length;
        DaxFile file = file(inode);
        if ((mode & (PUNCH_HOLE | ZERO_RANGE)) != 0) {
            dax.io().punch(file, offset, length);
        }
        if ((mode & PUNCH_HOLE) == 0) {
            dax.io().preallocate(file, offset, length);
        }
        if ((mode & KEEP_SIZE) == 0) {
            growTo(inode, end);
        }
    }

    @Override
    public void fsync(Inode inode, boolean dataOnly) {
        for (Extent e : volume.read(() -> extents.all(inode.ino()))) {
            if (e.isWritten()) {
                dax.persist(e.deviceBlock(), e.length());
            }
        }
        volume.sync();
    }

    @Override
    public void flush(Inode inode) {
        // nothing is cached: there is no writeback error to report
    }

    @Override
    public boolean release(Inode inode) {
        // installed pages stay until the inode leaves memory or its blocks change
        return false;
    }

    @Override
    public void delete(Inode inode) {
        dax.io().delete(file(inode));
        dax.forget(inode.ino());
    }

    @Override
    public long blocks(Inode inode) {
        return volume.read(() -> extents.mappedBlocks(inode.ino()));
    }

    @Override
    public long reservedBlocks() {
        return 0;
    }

    @Override
    public void syncAll() {
        DataRequests.flush(windows);
    }

    /** Unmount, after {@link #syncAll}: unmaps the device if this data path mapped it. */
    @Override
    public void close() {
        if (ownsWindows) {
            windows.close();
        }
    }

    private void growTo(Inode inode, long end) {
        if (end > inode.record().size()) {
            metadata(inode, () -> end > inode.record().size() ? inodes.update(inode, r -> r.withSize(end)) : null);
        }
    }

    /** Runs {@code change} in a metadata update holding the inode's ilock. */
    private <T> void metadata(Inode inode, Supplier<T> change) {
        volume.update(() -> {
            inode.ilock.lock();
            try {
                return change.get();
            } finally {
                inode.ilock.unlock();
            }
        });
    }
}
