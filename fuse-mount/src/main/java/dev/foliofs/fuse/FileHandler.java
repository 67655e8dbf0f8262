package dev.foliofs.fuse;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FileSystem.OpenFile;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * Open regular files: open, create, read, write, flush, release, fsync, ftruncate, fgetattr,
 * fallocate. Everything after open goes through {@code fi.fh} and the {@link OpenFiles} table.
 */
final class FileHandler {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    /** The fallocate modes the filesystem understands: KEEP_SIZE, PUNCH_HOLE, ZERO_RANGE. */
    private static final int KNOWN_FALLOCATE_MODES = 0x01 | 0x02 | 0x10;

    private final FileSystem fs;
    private final PathResolver paths;
    private final OpenFiles open;
    private final OpMetrics metrics;
    private final ParallelDirectWrites parallelWrites;

    FileHandler(FileSystem fs, PathResolver paths, OpenFiles open, OpMetrics metrics,
                ParallelDirectWrites parallelWrites) {
        this.fs = fs;
        this.paths = paths;
        this.open = open;
        this.metrics = metrics;
        this.parallelWrites = parallelWrites;
    }

    int open(Caller c, String path, FuseFileInfo fi) {
        OpenFile f = fs.open(c, paths.inode(c, path), fi.flags.get());
        answer(open.add(f), fi);
        return 0;
    }

    int create(Caller c, String path, long mode, FuseFileInfo fi) {
        PathResolver.Entry e = paths.entry(c, path);
        int m = (int) mode;
        if ((m & S_IFMT) == 0) {
            m |= S_IFREG;
        }
        OpenFile f = fs.create(c, e.parent(), e.name(), m, fi.flags.get());
        answer(open.add(f), fi);
        return 0;
    }

    /**
     * Fills the reply to an open or create: the handle, and for an O_DIRECT open a direct-IO
     * open whose writes may run in parallel ({@link ParallelDirectWrites}).
     */
    private void answer(long fh, FuseFileInfo fi) {
        fi.fh.set(fh);
        if (DirectIoOpen.apply(fi.flags.get(), fi)) {
            parallelWrites.expectReply(fh);
        }
    }

    int read(Pointer buf, long size, long offset, FuseFileInfo fi) {
        OpenFile f = open.get(fi.fh.get());
        int n = f.read(offset, NativeBuffers.view(buf, (int) size));
        metrics.read(n);
        return n;
    }

    int write(Pointer buf, long size, long offset, FuseFileInfo fi) {
        OpenFile f = open.get(fi.fh.get());
        int n = f.write(offset, NativeBuffers.view(buf, (int) size));
        metrics.written(n);
        return n;
    }

    int flush(FuseFileInfo fi) {
        open.get(fi.fh.get()).flush();
        return 0;
    }

    int release(FuseFileInfo fi) {
        open.remove(fi.fh.get()).close();
        return 0;
    }

    int fsync(int dataOnly, FuseFileInfo fi) {
        open.get(fi.fh.get()).fsync(dataOnly != 0);
        return 0;
    }

    /** ftruncate(2): allowed by the open descriptor, whatever the mode says now. */
    int ftruncate(Caller c, long size, FuseFileInfo fi) {
        open.get(fi.fh.get()).truncate(c, size);
        return 0;
    }

    /** fstat(2) through the handle: works for a file that has lost its last name. */
    int fgetattr(FileStat st, FuseFileInfo fi) {
        StatFiller.fill(open.get(fi.fh.get()).getattr(), st);
        return 0;
    }

    int fallocate(int mode, long offset, long length, FuseFileInfo fi) {
        if ((mode & ~KNOWN_FALLOCATE_MODES) != 0) {
            throw new FsException(Errno.EOPNOTSUPP, "fallocate mode " + Integer.toHexString(mode));
        }
        open.get(fi.fh.get()).fallocate(mode, offset, length);
        return 0;
    }
}
