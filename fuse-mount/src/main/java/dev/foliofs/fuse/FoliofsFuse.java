package dev.foliofs.fuse;

import dev.foliofs.core.Errno;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FileSystem.OpenFile;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CountDownLatch;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import jnr.ffi.types.dev_t;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.uid_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The jnr-fuse adapter: it only translates. Each callback takes the caller from the FUSE
 * context, hands the request to the handler for its concern (names, attributes, open files,
 * directories, extended attributes), times it, and turns failures into {@code -errno} at
 * {@link ErrnoEdge}. No filesystem rule lives here.
 *
 * <p>Operations not overridden (lock, flock, poll, bmap, read_buf, write_buf) stay
 * unimplemented so that libfuse and the kernel use their own defaults (local POSIX locks).
 */
public final class FoliofsFuse extends FuseStubFS {
    private static final Logger log = LoggerFactory.getLogger(FoliofsFuse.class);

    private static final int OPERATIONS_BEFORE_FLAGS = 38;

    private final FileSystem fs;
    private final OpMetrics metrics;
    private final ErrnoEdge edge;
    private final Callers callers = new Callers();
    private final OpenFiles openFiles = new OpenFiles();
    private final NamespaceHandler names;
    private final AttrHandler attrs;
    private final FileHandler files;
    private final DirectoryHandler dirs;
    private final XattrHandler xattrs;
    /** The kernel's own limit of a read request, in pages, when FUSE_INIT asks for nothing else. */
    static final int DEFAULT_READ_REQUEST_PAGES = 32;
    private final CountDownLatch initialized = new CountDownLatch(1);
    private final ParallelDirectWrites parallelWrites = new ParallelDirectWrites();
    /** Null when read requests keep the kernel's default size. */
    private final LargeReadRequests largeReads;
    /** The reply channel found at init; held so that its closure lives as long as the session. */
    private volatile ReplyChannel replies;

    public FoliofsFuse(FileSystem fs, MeterRegistry registry) {
        this(fs, registry, DEFAULT_READ_REQUEST_PAGES);
    }

    /**
     * @param readRequestPages the largest read request to ask the kernel for, in 4 KiB pages;
     *                         32 or less keeps the kernel's default (32)
     */
    public FoliofsFuse(FileSystem fs, MeterRegistry registry, int readRequestPages) {
        this.fs = fs;
        this.largeReads = readRequestPages > DEFAULT_READ_REQUEST_PAGES ? new LargeReadRequests(readRequestPages) : null;
        this.metrics = new OpMetrics(registry);
        this.edge = new ErrnoEdge(metrics);
        PathResolver paths = new PathResolver(fs);
        this.names = new NamespaceHandler(fs, paths);
        this.attrs = new AttrHandler(fs, paths);
        this.files = new FileHandler(fs, paths, openFiles, metrics, parallelWrites);
        this.dirs = new DirectoryHandler(fs, paths);
        this.xattrs = new XattrHandler(fs, paths);
        declareNoPaths();
    }

    /**
     * Sets libfuse's flag_nullpath_ok, flag_nopath and flag_utime_omit_ok (bits 0-2 of the
     * flags word of struct fuse_operations): operations on open files find them through
     * {@code fi.fh}, so libfuse need not build a path for every read and write (it takes its
     * tree lock to do so), and may pass null for an unlinked file; utimens understands
     * UTIME_NOW and UTIME_OMIT.
     */
    /**
     * The start of every operation: keeps the libfuse worker thread serving it attached to the
     * JVM for later requests (see {@link CallbackThreads}), then starts the operation's timer.
     */
    private long begin() {
        CallbackThreads.keepAttached();
        return metrics.start();
    }

    private void declareNoPaths() {
        // the flags word follows the 38 function pointers from getattr to bmap
        int flagsOffset = OPERATIONS_BEFORE_FLAGS * jnr.ffi.Runtime.getSystemRuntime().addressSize();
        Pointer ops = Struct.getMemory(fuseOperations);
        ops.putInt(flagsOffset, ops.getInt(flagsOffset) | 0b111);
    }

    /** Released when the kernel has sent FUSE_INIT: the mount is live. */
    public CountDownLatch initialized() {
        return initialized;
    }

    /** Number of files open through this mount. */
    public int openFileCount() {
        return openFiles.size();
    }

    /**
     * Closes the files the kernel never released (the connection went away while they were
     * open), so that unlinked files are freed before the filesystem closes.
     */
    public void releaseAll() {
        for (OpenFile f : openFiles.drain()) {
            try {
                f.close();
            } catch (RuntimeException e) {
                log.warn("closing a file left open at unmount failed", e);
            }
        }
    }

    private Caller caller() {
        FuseContext ctx = getContext();
        return callers.of(ctx.uid.intValue(), ctx.gid.intValue(), ctx.pid.intValue());
    }

    /**
     * FUSE_INIT, before any other request and before libfuse answers it: puts the reply filters
     * in place (parallel direct writes; larger read requests, whose amendment is the reply
     * libfuse sends next on this thread), then marks the mount live.
     */
    @Override
    public Pointer init(Pointer conn) {
        ReplyChannel.Filter filter = largeReads == null ? parallelWrites : (iov, count) -> {
            largeReads.beforeSend(iov, count);
            parallelWrites.beforeSend(iov, count);
        };
        replies = ReplyChannel.of(getContext().fuse.get(), filter).orElse(null);
        if (replies != null) {
            parallelWrites.attach(replies);
            if (largeReads != null) {
                largeReads.expectReply(replies);
            }
        } else {
            log.info("replies cannot be amended here: direct writes of one file take turns in the kernel,"
                    + " reads are sent in requests of 128 KiB");
        }
        initialized.countDown();
        return null;
    }

    // --- names -------------------------------------------------------------------------

    @Override
    public int mknod(String path, @mode_t long mode, @dev_t long rdev) {
        long t = begin();
        try {
            return names.mknod(caller(), path, mode, rdev);
        } catch (Throwable e) {
            return edge.answer(FuseOp.MKNOD, e);
        } finally {
            metrics.record(FuseOp.MKNOD, t);
        }
    }

    @Override
    public int mkdir(String path, @mode_t long mode) {
        long t = begin();
        try {
            return names.mkdir(caller(), path, mode);
        } catch (Throwable e) {
            return edge.answer(FuseOp.MKDIR, e);
        } finally {
            metrics.record(FuseOp.MKDIR, t);
        }
    }

    @Override
    public int symlink(String target, String linkPath) {
        long t = begin();
        try {
            return names.symlink(caller(), target, linkPath);
        } catch (Throwable e) {
            return edge.answer(FuseOp.SYMLINK, e);
        } finally {
            metrics.record(FuseOp.SYMLINK, t);
        }
    }

    @Override
    public int readlink(String path, Pointer buf, @size_t long size) {
        long t = begin();
        try {
            return names.readlink(caller(), path, buf, size);
        } catch (Throwable e) {
            return edge.answer(FuseOp.READLINK, e);
        } finally {
            metrics.record(FuseOp.READLINK, t);
        }
    }

    @Override
    public int link(String existing, String newPath) {
        long t = begin();
        try {
            return names.link(caller(), existing, newPath);
        } catch (Throwable e) {
            return edge.answer(FuseOp.LINK, e);
        } finally {
            metrics.record(FuseOp.LINK, t);
        }
    }

    @Override
    public int unlink(String path) {
        long t = begin();
        try {
            return names.unlink(caller(), path);
        } catch (Throwable e) {
            return edge.answer(FuseOp.UNLINK, e);
        } finally {
            metrics.record(FuseOp.UNLINK, t);
        }
    }

    @Override
    public int rmdir(String path) {
        long t = begin();
        try {
            return names.rmdir(caller(), path);
        } catch (Throwable e) {
            return edge.answer(FuseOp.RMDIR, e);
        } finally {
            metrics.record(FuseOp.RMDIR, t);
        }
    }

    @Override
    public int rename(String from, String to) {
        long t = begin();
        try {
            return names.rename(caller(), from, to);
        } catch (Throwable e) {
            return edge.answer(FuseOp.RENAME, e);
        } finally {
            metrics.record(FuseOp.RENAME, t);
        }
    }

    // --- attributes --------------------------------------------------------------------

    @Override
    public int getattr(String path, FileStat stat) {
        long t = begin();
        try {
            return attrs.getattr(caller(), path, stat);
        } catch (Throwable e) {
            return edge.answer(FuseOp.GETATTR, e);
        } finally {
            metrics.record(FuseOp.GETATTR, t);
        }
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        long t = begin();
        try {
            return files.fgetattr(stat, fi);
        } catch (Throwable e) {
            return edge.answer(FuseOp.FGETATTR, e);
        } finally {
            metrics.record(FuseOp.FGETATTR, t);
        }
    }

    @Override
    public int chmod(String path, @mode_t long mode) {
        long t = begin();
        try {
            return attrs.chmod(caller(), path, mode);
        } catch (Throwable e) {
            return edge.answer(FuseOp.CHMOD, e);
        } finally {
            metrics.record(FuseOp.CHMOD, t);
        }
    }

    @Override
    public int chown(String path, @uid_t long uid, @gid_t long gid) {
        long t = begin();
        try {
            return attrs.chown(caller(), path, uid, gid);
        } catch (Throwable e) {
            return edge.answer(FuseOp.CHOWN, e);
        } finally {
            metrics.record(FuseOp.CHOWN, t);
        }
    }

    @Override
    public int truncate(String path, @off_t long size) {
        long t = begin();
        try {
            return attrs.truncate(caller(), path, size);
        } catch (Throwable e) {
            return edge.answer(FuseOp.TRUNCATE, e);
        } finally {
            metrics.record(FuseOp.TRUNCATE, t);
        }
    }

    @Override
    public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        long t = begin();
        try {
            return files.ftruncate(caller(), size, fi);
        } catch (Throwable e) {
            return edge.answer(FuseOp.FTRUNCATE, e);
        } finally {
            metrics.record(FuseOp.FTRUNCATE, t);
        }
    }

    @Override
    public int utimens(String path, Timespec[] timespec) {
        long t = begin();
        try {
            return attrs.utimens(caller(), path, timespec);
        } catch (Throwable e) {
            return edge.answer(FuseOp.UTIMENS, e);
        } finally {
            metrics.record(FuseOp.UTIMENS, t);
        }
    }

    @Override
    public int access(String path, int mask) {
        long t = begin();
        try {
            return attrs.access(caller(), path, mask);
        } catch (Throwable e) {
            return edge.answer(FuseOp.ACCESS, e);
        } finally {
            metrics.record(FuseOp.ACCESS, t);
        }
    }

    @Override
    public int statfs(String path, Statvfs stbuf) {
        long t = begin();
        try {
            return attrs.statfs(stbuf);
        } catch (Throwable e) {
            return edge.answer(FuseOp.STATFS, e);
        } finally {
            metrics.record(FuseOp.STATFS, t);
        }
    }

    // --- open files --------------------------------------------------------------------

    @Override
    public int open(String path, FuseFileInfo fi) {
        long t = begin();
        try {
            return files.open(caller(), path, fi);
        } catch (Throwable e) {
            return edge.answer(FuseOp.OPEN, e);
        } finally {
            metrics.record(FuseOp.OPEN, t);
        }
    }

    @Override
    public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        long t = begin();
        try {
            return files.create(caller(), path, mode, fi);
        } catch (Throwable e) {
            return edge.answer(FuseOp.CREATE, e);
        } finally {
            metrics.record(FuseOp.CREATE, t);
        }
    }

    @Override
    public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        long t = begin();
        try {
            return files.read(buf, size, offset, fi);
        } catch (Throwable e) {
            return edge.answer(FuseOp.READ, e);
        } finally {
            metrics.record(FuseOp.READ, t);
        }
    }

    @Override
    public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        long t = begin();
        try {
            return files.write(buf, size, offset, fi);
        } catch (Throwable e) {
            return edge.answer(FuseOp.WRITE, e);
        } finally {
            metrics.record(FuseOp.WRITE, t);
        }
    }

    @Override
    public int flush(String path, FuseFileInfo fi) {
        long t = begin();
        try {
            return files.flush(fi);
        } catch (Throwable e) {
            return edge.answer(FuseOp.FLUSH, e);
        } finally {
            metrics.record(FuseOp.FLUSH, t);
        }
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        long t = begin();
        try {
            return files.release(fi);
        } catch (Throwable e) {
            return edge.answer(FuseOp.RELEASE, e);
        } finally {
            metrics.record(FuseOp.RELEASE, t);
        }
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        long t = begin();
        try {
            return files.fsync(isdatasync, fi);
        } catch (Throwable e) {
            return edge.answer(FuseOp.FSYNC, e);
        } finally {
            metrics.record(FuseOp.FSYNC, t);
        }
    }

    @Override
    public int fallocate(String path, int mode, @off_t long off, @off_t long length, FuseFileInfo fi) {
        long t = begin();
        try {
            return files.fallocate(mode, off, length, fi);
        } catch (Throwable e) {
            return edge.answer(FuseOp.FALLOCATE, e);
        } finally {
            metrics.record(FuseOp.FALLOCATE, t);
        }
    }

    /** No ioctl is supported: ENOTTY is what tools expect for an unknown request. */
    @Override
    public int ioctl(String path, int cmd, Pointer arg, FuseFileInfo fi, long flags, Pointer data) {
        long t = begin();
        metrics.record(FuseOp.IOCTL, t);
        return -Errno.ENOTTY.code();
    }

    // --- directories -------------------------------------------------------------------

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        long t = begin();
        try {
            return dirs.opendir(caller(), path, fi);
        } catch (Throwable e) {
            return edge.answer(FuseOp.OPENDIR, e);
        } finally {
            metrics.record(FuseOp.OPENDIR, t);
        }
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, @off_t long offset, FuseFileInfo fi) {
        long t = begin();
        try {
            return dirs.readdir(caller(), buf, filter, offset, fi);
        } catch (Throwable e) {
            return edge.answer(FuseOp.READDIR, e);
        } finally {
            metrics.record(FuseOp.READDIR, t);
        }
    }

    @Override
    public int releasedir(String path, FuseFileInfo fi) {
        long t = begin();
        metrics.record(FuseOp.RELEASEDIR, t);
        return 0;
    }

    @Override
    public int fsyncdir(String path, FuseFileInfo fi) {
        long t = begin();
        try {
            fs.sync();
            return 0;
        } catch (Throwable e) {
            return edge.answer(FuseOp.FSYNCDIR, e);
        } finally {
            metrics.record(FuseOp.FSYNCDIR, t);
        }
    }

    // --- extended attributes -----------------------------------------------------------

    @Override
    public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        long t = begin();
        try {
            return xattrs.setxattr(caller(), path, name, value, size, flags);
        } catch (Throwable e) {
            return edge.answer(FuseOp.SETXATTR, e);
        } finally {
            metrics.record(FuseOp.SETXATTR, t);
        }
    }

    @Override
    public int getxattr(String path, String name, Pointer value, @size_t long size) {
        long t = begin();
        try {
            return xattrs.getxattr(caller(), path, name, value, size);
        } catch (Throwable e) {
            return edge.answer(FuseOp.GETXATTR, e);
        } finally {
            metrics.record(FuseOp.GETXATTR, t);
        }
    }

    @Override
    public int listxattr(String path, Pointer list, @size_t long size) {
        long t = begin();
        try {
            return xattrs.listxattr(caller(), path, list, size);
        } catch (Throwable e) {
            return edge.answer(FuseOp.LISTXATTR, e);
        } finally {
            metrics.record(FuseOp.LISTXATTR, t);
        }
    }

    @Override
    public int removexattr(String path, String name) {
        long t = begin();
        try {
            return xattrs.removexattr(caller(), path, name);
        } catch (Throwable e) {
            return edge.answer(FuseOp.REMOVEXATTR, e);
        } finally {
            metrics.record(FuseOp.REMOVEXATTR, t);
        }
    }
}
