package dev.foliofs.vfs;

import static dev.foliofs.inode.InodeRecord.S_IFBLK;
import static dev.foliofs.inode.InodeRecord.S_IFCHR;
import static dev.foliofs.inode.InodeRecord.S_IFDIR;
import static dev.foliofs.inode.InodeRecord.S_IFIFO;
import static dev.foliofs.inode.InodeRecord.S_IFLNK;
import static dev.foliofs.inode.InodeRecord.S_IFMT;
import static dev.foliofs.inode.InodeRecord.S_IFREG;
import static dev.foliofs.inode.InodeRecord.S_IFSOCK;
import static dev.foliofs.inode.InodeRecord.S_ISGID;
import static dev.foliofs.inode.InodeRecord.S_ISUID;
import static dev.foliofs.inode.InodeRecord.S_IXGRP;
import static dev.foliofs.vfs.Permissions.R_OK;
import static dev.foliofs.vfs.Permissions.W_OK;
import static dev.foliofs.vfs.Permissions.X_OK;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.data.DataContext;
import dev.foliofs.data.DataRequests;
import dev.foliofs.data.FileData;
import dev.foliofs.dir.DirectoryEntries;
import dev.foliofs.extent.ExtentMap;
import dev.foliofs.inject.InjectionPoints;
import dev.foliofs.inode.Inode;
import dev.foliofs.inode.InodeRecord;
import dev.foliofs.inode.InodeTable;
import dev.foliofs.volume.Volume;
import dev.foliofs.xattr.AuxRecords;
import dev.foliofs.xattr.ExtendedAttributes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The foliofs {@link FileSystem}: POSIX namespace semantics over the inode, dir, extent and
 * xattr layers, with file data through the injectable {@link FileData} seam.
 *
 * <p>Concurrency: every namespace change runs as one {@code Volume.update} (atomic, under the
 * exclusive metadata lock), so it sees and leaves a consistent namespace; lookups run under
 * {@code Volume.read}. Data operations take the inode's iolock (and mmaplock for truncation)
 * outside the metadata lock, as {@link FileData} requires.
 *
 * <p>Times are nanoseconds from the {@link FsOptions#clock}. atime follows relatime: a read
 * updates it only when it is not newer than mtime or ctime, or is a day old.
 */
public final class FoliofsFileSystem implements FileSystem {
    static final int O_ACCMODE = 3;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;
    static final int O_DIRECTORY = 0200000;
    static final int O_NOFOLLOW = 0400000;
    public static final int RENAME_NOREPLACE = 1;
    public static final int RENAME_EXCHANGE = 2;
    /** Longest symlink target in bytes (PATH_MAX - 1). */
    public static final int SYMLINK_MAX = 4095;
    /** Most hard links (and subdirectories + 2) of one inode. */
    public static final int LINK_MAX = 65000;
    private static final long DAY_NS = 86_400_000_000_000L;
    /** Cookies 1 and 2 are "." and ".."; stored entries follow at position + 3. */
    private static final long COOKIE_BASE = 3;
    /**
     * Injection point: a close has taken its pin off and found work for a transaction, which
     * it is about to start (no metadata lock held).
     */
    public static final String CLOSE_UPDATE = "vfs.close.update";
    /** Inode records whose deferred times one transaction of sync or unmount journals. */
    private static final int TIMES_PER_TRANSACTION = 256;
    /** File capabilities: a write removes them (see {@link #removePrivileges}). */
    static final String CAPABILITY = "security.capability";

    private final Volume volume;
    private final Clock clock;
    private final InodeTable inodes;
    private final DirectoryEntries dirents;
    private final ExtentMap extents;
    private final AuxRecords aux;
    private final ExtendedAttributes xattrs;
    private final FileData data;
    private final Counter orphansRecovered;
    private volatile boolean closed;

    private FoliofsFileSystem(Volume volume, FsOptions options) {
        this.volume = volume;
        this.clock = options.clock();
        MeterRegistry registry = options.registry();
        this.inodes = new InodeTable(volume, registry);
        this.dirents = new DirectoryEntries(volume.dirents());
        this.extents = new ExtentMap(volume.extents());
        this.aux = new AuxRecords(volume.xattrs());
        this.xattrs = new ExtendedAttributes(aux);
        this.data = options.data().create(new DataContext(volume, inodes, extents, registry, clock));
        this.orphansRecovered = Counter.builder("foliofs.orphans.recovered")
                .description("orphans freed at mount, left by a crash").register(registry);
    }

    /**
     * Mounts the namespace of {@code volume} (populated by {@link #createRoot}) and frees the
     * orphans a crash left: inodes that were unlinked while open.
     */
    public static FoliofsFileSystem open(Volume volume, FsOptions options) {
        checkRecordSizes(volume);
        FoliofsFileSystem fs = new FoliofsFileSystem(volume, options);
        fs.recoverOrphans();
        return fs;
    }

    /**
     * Writes the namespace of a new filesystem: the inode counter and the root directory
     * (inode 1) with the given owner, permission bits and times. For mkfs; runs its own
     * {@code Volume.update} (or joins the caller's).
     */
    public static void createRoot(Volume volume, int uid, int gid, int mode, long nowNanos) {
        checkRecordSizes(volume);
        InodeRecord root = new InodeRecord(S_IFDIR | (mode & 07777), uid, gid, 2, 0, nowNanos, nowNanos, nowNanos,
                nowNanos, 0, 0, 1, InodeTable.ROOT_INO);
        volume.update(() -> {
            InodeTable.format(volume, root);
            return null;
        });
    }

    /**
     * The longest directory entry value and attribute key (a 255-byte name and its header)
     * must fit one tree record; with the B+tree's limits that takes blocks of 4 KiB or more.
     * Smaller blocks are refused with EINVAL rather than failing later on a long name.
     */
    private static void checkRecordSizes(Volume volume) {
        int needed = 12 + DirectoryEntries.NAME_MAX;
        if (volume.dirents().maxValueSize() < needed || volume.xattrs().maxKeySize() < needed) {
            throw new FsException(Errno.EINVAL, "block size " + volume.blockSize()
                    + " is too small for the namespace (255-byte names need 4096-byte blocks or larger)");
        }
    }

    /** The inode table (tests, fsck). */
    public InodeTable inodeTable() {
        return inodes;
    }

    public ExtentMap extentMap() {
        return extents;
    }

    public FileData fileData() {
        return data;
    }

    public Volume volume() {
        return volume;
    }

    private void recoverOrphans() {
        List<Long> orphans = volume.read(inodes::orphans);
        for (long ino : orphans) {
            tx(() -> {
                Inode inode = inodes.find(ino);
                if (inode != null) {
                    freeInode(inode);
                }
                return null;
            });
            orphansRecovered.increment();
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    long now() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** One atomic namespace operation; in-core inodes are reloaded if it fails. */
    private <T> T tx(Supplier<T> operation) {
        checkOpen();
        inodes.beginOperation();
        boolean ok = false;
        try {
            T r = volume.update(operation);
            ok = true;
            return r;
        } finally {
            inodes.endOperation(ok);
        }
    }

    private void txRun(Runnable operation) {
        tx(() -> {
            operation.run();
            return null;
        });
    }

    private <T> T read(Supplier<T> operation) {
        checkOpen();
        return volume.read(operation);
    }

    private void checkOpen() {
        if (closed) {
            throw new FsException(Errno.EIO, "filesystem is closed");
        }
    }

    /** The bytes of a valid single-component name: EINVAL for "", "/" inside; ENAMETOOLONG beyond 255 bytes. */
    static byte[] nameBytes(String name) {
        if (name == null || name.isEmpty()) {
            throw new FsException(Errno.ENOENT, "empty name");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new FsException(Errno.EINVAL, "name holds '/' or NUL");
        }
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length > DirectoryEntries.NAME_MAX) {
            throw new FsException(Errno.ENAMETOOLONG, "name of " + b.length + " bytes");
        }
        return b;
    }

    private static boolean isDot(String name) {
        return ".".equals(name) || "..".equals(name);
    }

    private Inode directory(long ino) {
        Inode dir = inodes.get(ino);
        if (!dir.record().isDirectory()) {
            throw new FsException(Errno.ENOTDIR, "inode " + ino + " is not a directory");
        }
        if (dir.record().nlink() == 0) {
            throw new FsException(Errno.ENOENT, "directory " + ino + " was removed");
        }
        return dir;
    }

    /** A directory the caller may add to or remove from: search and write permission. */
    private Inode writableDirectory(Caller caller, long ino) {
        Inode dir = directory(ino);
        Permissions.check(caller, dir.record(), W_OK | X_OK, "no write and search permission on directory " + ino);
        return dir;
    }

    private Attr attr(Inode inode) {
        InodeRecord r = inode.record();
        long blocks = r.isRegular() ? data.blocks(inode) : 0;
        return new Attr(inode.ino(), r.mode(), r.nlink(), r.uid(), r.gid(), r.rdev(), r.size(),
                blocks * (volume.blockSize() / 512), volume.blockSize(), r.atimeNs(), r.mtimeNs(), r.ctimeNs(),
                r.generation());
    }

    private static Attr attrOf(FoliofsFileSystem fs, Inode inode) {
        return fs.attr(inode);
    }

    private void touchDirectory(Inode dir, long now) {
        inodes.update(dir, r -> r.modified(now));
    }

    /** Frees an inode with no names and no opens: data, auxiliary records, record. Inside tx. */
    private void freeInode(Inode inode) {
        if (inode.record().isRegular()) {
            data.delete(inode);
        } else {
            extents.unmapAll(inode.ino()).forEach(r -> volume.allocator().free(r.start(), r.length()));
        }
        aux.deleteAll(inode.ino());
        inodes.free(inode);
        extents.sequences().forget(inode.ino());
    }

    /** Drops one name of {@code inode}: frees it if that was the last name and nothing has it open. Inside tx. */
    private void dropLink(Inode inode, long now) {
        InodeRecord r = inode.record();
        int nlink = r.isDirectory() ? 0 : r.nlink() - 1;
        inodes.write(inode, r.withNlink(nlink).withCtime(now));
        if (nlink == 0) {
            if (inode.opens() > 0) {
                inodes.addOrphan(inode);
            } else {
                freeInode(inode);
            }
        }
    }

    /**
     * Whether {@code mode} is {@code r}'s mode with only set-ID bits taken away: the request the
     * kernel's {@code file_remove_privs} sends, with the writer's credentials, before a write or
     * truncate through its page cache. The writer need not own the file (with
     * {@code default_permissions} the kernel refuses a non-owner's chmod(2) before it reaches
     * us), so such a request is allowed to anyone who may write the file.
     */
    private static boolean dropsOnlySetId(InodeRecord r, int mode) {
        int before = r.mode() & 07777;
        int after = mode & 07777;
        return after != before && (after & ~before) == 0 && ((before ^ after) & ~(S_ISUID | S_ISGID)) == 0;
    }

    private static int killSuid(InodeRecord r) {
        int mode = r.mode() & ~S_ISUID;
        if ((r.mode() & S_IXGRP) != 0) {
            mode &= ~S_ISGID;
        }
        return mode;
    }

    // ---- namespace ----------------------------------------------------------------------

    @Override
    public Attr lookup(Caller caller, long parent, String name) {
        byte[] b = nameBytes(name);
        return read(() -> {
            Inode dir = directory(parent);
            Permissions.check(caller, dir.record(), X_OK, "no search permission on directory " + parent);
            if (".".equals(name)) {
                return attr(dir);
            }
            if ("..".equals(name)) {
                return attr(inodes.get(dir.record().parent()));
            }
            DirectoryEntries.Entry e = dirents.lookup(parent, b);
            if (e == null) {
                throw FsException.answer(Errno.ENOENT, name + " in directory " + parent);
            }
            return attr(inodes.get(e.ino()));
        });
    }

    @Override
    public Attr getattr(long ino) {
        return read(() -> attr(inodes.get(ino)));
    }

    @Override
    public Attr mknod(Caller caller, long parent, String name, int mode, long rdev) {
        int type = mode & S_IFMT;
        if (type == 0) {
            type = S_IFREG;
        }
        switch (type) {
            case S_IFREG, S_IFIFO, S_IFSOCK -> rdev = 0;
            case S_IFCHR, S_IFBLK -> {
                if (!caller.isRoot()) {
                    throw new FsException(Errno.EPERM, "device nodes need privilege");
                }
            }
            case S_IFDIR -> throw new FsException(Errno.EPERM, "mknod of a directory");
            default -> throw new FsException(Errno.EINVAL, "mknod of type " + Integer.toOctalString(type));
        }
        int fullMode = type | (mode & 07777);
        long dev = rdev;
        return tx(() -> attr(createNode(caller, parent, name, fullMode, dev, null)));
    }

    @Override
    public Attr mkdir(Caller caller, long parent, String name, int mode) {
        return tx(() -> attr(createNode(caller, parent, name, S_IFDIR | (mode & 07777), 0, null)));
    }

    @Override
    public Attr symlink(Caller caller, long parent, String name, String target) {
        byte[] t = target == null ? new byte[0] : target.getBytes(StandardCharsets.UTF_8);
        if (t.length == 0) {
            throw new FsException(Errno.ENOENT, "empty symlink target");
        }
        if (t.length > SYMLINK_MAX) {
            throw new FsException(Errno.ENAMETOOLONG, "symlink target of " + t.length + " bytes");
        }
        return tx(() -> attr(createNode(caller, parent, name, S_IFLNK | 0777, 0, t)));
    }

    /**
     * Creates an inode and its entry {@code parent/name} inside the running tx. The group is
     * the parent's when the parent is set-group-ID (directories inherit that bit), else the
     * caller's; a non-member's set-group-ID bit on a new file is dropped.
     */
    private Inode createNode(Caller caller, long parent, String name, int mode, long rdev, byte[] symlinkTarget) {
        byte[] b = nameBytes(name);
        Inode dir = writableDirectory(caller, parent);
        if (isDot(name) || dirents.lookup(parent, b) != null) {
            throw new FsException(Errno.EEXIST, name + " exists in directory " + parent);
        }
        return addNode(caller, dir, b, mode, rdev, symlinkTarget);
    }

    /**
     * The second half of {@link #createNode}, for a caller that has already checked, in this
     * tx, that {@code dir} is writable by {@code caller} and has no entry {@code name}.
     */
    private Inode addNode(Caller caller, Inode dir, byte[] name, int mode, long rdev, byte[] symlinkTarget) {
        long parent = dir.ino();
        InodeRecord d = dir.record();
        boolean isDir = (mode & S_IFMT) == S_IFDIR;
        if (isDir && d.nlink() >= LINK_MAX) {
            throw new FsException(Errno.EMLINK, "directory " + parent + " has too many subdirectories");
        }
        int gid = caller.gid();
        int m = mode;
        if ((d.mode() & S_ISGID) != 0) {
            gid = d.gid();
            if (isDir) {
                m |= S_ISGID;
            }
        }
        if (!isDir && (m & S_ISGID) != 0 && !caller.isRoot() && !caller.inGroup(gid)) {
            m &= ~S_ISGID;
        }
        long now = now();
        long size = symlinkTarget != null ? symlinkTarget.length : 0;
        Inode child = inodes.allocate(new InodeRecord(m, caller.uid(), gid, isDir ? 2 : 1, size, now, now, now, now,
                rdev, 0, 0, isDir ? parent : 0));
        if (symlinkTarget != null) {
            aux.putSymlinkTarget(child.ino(), symlinkTarget);
        }
        dirents.insert(parent, name, child.ino(), m & S_IFMT);
        inodes.update(dir, r -> (isDir ? r.withNlink(r.nlink() + 1) : r).modified(now));
        return child;
    }

    @Override
    public String readlink(long ino) {
        return read(() -> {
            Inode inode = inodes.get(ino);
            if (!inode.record().isSymlink()) {
                throw new FsException(Errno.EINVAL, "inode " + ino + " is not a symlink");
            }
            byte[] t = aux.symlinkTarget(ino);
            if (t == null) {
                throw new FsException(Errno.EUCLEAN, "symlink " + ino + " has no target");
            }
            return new String(t, StandardCharsets.UTF_8);
        });
    }

    @Override
    public Attr link(Caller caller, long ino, long newParent, String newName) {
        byte[] b = nameBytes(newName);
        return tx(() -> {
            Inode inode = inodes.get(ino);
            InodeRecord r = inode.record();
            if (r.isDirectory()) {
                throw new FsException(Errno.EPERM, "hard link to a directory");
            }
            Inode dir = writableDirectory(caller, newParent);
            if (isDot(newName) || dirents.lookup(newParent, b) != null) {
                throw new FsException(Errno.EEXIST, newName + " exists");
            }
            if (r.nlink() == 0) {
                throw new FsException(Errno.ENOENT, "inode " + ino + " has no names left");
            }
            if (r.nlink() >= LINK_MAX) {
                throw new FsException(Errno.EMLINK, "inode " + ino + " has too many links");
            }
            long now = now();
            dirents.insert(newParent, b, ino, r.type());
            inodes.write(inode, r.withNlink(r.nlink() + 1).withCtime(now));
            touchDirectory(dir, now);
            return attr(inode);
        });
    }

    @Override
    public void unlink(Caller caller, long parent, String name) {
        byte[] b = nameBytes(name);
        txRun(() -> {
            Inode dir = writableDirectory(caller, parent);
            if (isDot(name)) {
                throw new FsException(Errno.EISDIR, name + " is a directory");
            }
            DirectoryEntries.Entry e = dirents.lookup(parent, b);
            if (e == null) {
                throw new FsException(Errno.ENOENT, name + " in directory " + parent);
            }
            Inode victim = inodes.get(e.ino());
            if (victim.record().isDirectory()) {
                throw new FsException(Errno.EISDIR, name + " is a directory");
            }
            Permissions.checkSticky(caller, dir.record(), victim.record());
            long now = now();
            dirents.remove(parent, b);
            touchDirectory(dir, now);
            dropLink(victim, now);
        });
    }

    @Override
    public void rmdir(Caller caller, long parent, String name) {
        byte[] b = nameBytes(name);
        txRun(() -> {
            Inode dir = writableDirectory(caller, parent);
            if (".".equals(name)) {
                throw new FsException(Errno.EINVAL, "rmdir of '.'");
            }
            if ("..".equals(name)) {
                throw new FsException(Errno.ENOTEMPTY, "rmdir of '..'");
            }
            DirectoryEntries.Entry e = dirents.lookup(parent, b);
            if (e == null) {
                throw new FsException(Errno.ENOENT, name + " in directory " + parent);
            }
            Inode victim = inodes.get(e.ino());
            if (!victim.record().isDirectory()) {
                throw new FsException(Errno.ENOTDIR, name + " is not a directory");
            }
            Permissions.checkSticky(caller, dir.record(), victim.record());
            if (!dirents.isEmpty(victim.ino())) {
                throw new FsException(Errno.ENOTEMPTY, name + " is not empty");
            }
            long now = now();
            dirents.remove(parent, b);
            inodes.update(dir, r -> r.withNlink(r.nlink() - 1).modified(now));
            dropLink(victim, now);
        });
    }

    @Override
    public void rename(Caller caller, long parent, String name, long newParent, String newName, int flags) {
        if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) != 0
                || flags == (RENAME_NOREPLACE | RENAME_EXCHANGE)) {
            throw new FsException(Errno.EINVAL, "rename flags " + flags);
        }
        byte[] from = nameBytes(name);
        byte[] to = nameBytes(newName);
        txRun(() -> {
            Inode srcDir = writableDirectory(caller, parent);
            Inode dstDir = writableDirectory(caller, newParent);
            if (isDot(name) || isDot(newName)) {
                throw new FsException(Errno.EINVAL, "rename of '.' or '..'");
            }
            DirectoryEntries.Entry se = dirents.lookup(parent, from);
            if (se == null) {
                throw new FsException(Errno.ENOENT, name + " in directory " + parent);
            }
            DirectoryEntries.Entry de = dirents.lookup(newParent, to);
            Inode src = inodes.get(se.ino());
            Inode dst = de == null ? null : inodes.get(de.ino());
            if ((flags & RENAME_EXCHANGE) != 0) {
                if (dst == null) {
                    throw new FsException(Errno.ENOENT, newName + " in directory " + newParent);
                }
                exchange(caller, srcDir, se, src, dstDir, de, dst);
                return;
            }
            if (dst != null && (flags & RENAME_NOREPLACE) != 0) {
                throw new FsException(Errno.EEXIST, newName + " exists");
            }
            if (dst == src) {
                return; // two names of one inode: POSIX says do nothing
            }
            boolean srcIsDir = src.record().isDirectory();
            Permissions.checkSticky(caller, srcDir.record(), src.record());
            if (srcIsDir && parent != newParent) {
                // ".." of the moved directory changes: it must be writable
                Permissions.check(caller, src.record(), W_OK, "no write permission on moved directory");
                if (isAncestor(src.ino(), newParent)) {
                    throw new FsException(Errno.EINVAL, "moving a directory into its own subtree");
                }
            }
            if (dst != null) {
                boolean dstIsDir = dst.record().isDirectory();
                if (srcIsDir && !dstIsDir) {
                    throw new FsException(Errno.ENOTDIR, newName + " is not a directory");
                }
                if (!srcIsDir && dstIsDir) {
                    throw new FsException(Errno.EISDIR, newName + " is a directory");
                }
                Permissions.checkSticky(caller, dstDir.record(), dst.record());
                if (dstIsDir && !dirents.isEmpty(dst.ino())) {
                    throw new FsException(Errno.ENOTEMPTY, newName + " is not empty");
                }
            } else if (srcIsDir && parent != newParent && dstDir.record().nlink() >= LINK_MAX) {
                throw new FsException(Errno.EMLINK, "directory " + newParent + " has too many subdirectories");
            }
            long now = now();
            dirents.remove(parent, from);
            if (dst != null) {
                dirents.retarget(newParent, dirents.lookup(newParent, to), src.ino(), src.record().type());
            } else {
                dirents.insert(newParent, to, src.ino(), src.record().type());
            }
            if (srcIsDir) {
                inodes.update(src, r -> r.withParent(newParent).withCtime(now));
                if (parent != newParent) {
                    inodes.update(srcDir, r -> r.withNlink(r.nlink() - 1));
                    inodes.update(dstDir, r -> r.withNlink(r.nlink() + 1));
                }
            } else {
                inodes.update(src, r -> r.withCtime(now));
            }
            if (dst != null) {
                if (dst.record().isDirectory()) {
                    inodes.update(dstDir, r -> r.withNlink(r.nlink() - 1));
                }
                dropLink(dst, now);
            }
            touchDirectory(srcDir, now);
            if (dstDir != srcDir) {
                touchDirectory(dstDir, now);
            }
        });
    }

    /** RENAME_EXCHANGE: swaps two existing entries atomically, fixing ".." and link counts. */
    private void exchange(Caller caller, Inode srcDir, DirectoryEntries.Entry se, Inode src, Inode dstDir,
                          DirectoryEntries.Entry de, Inode dst) {
        if (src == dst) {
            return;
        }
        Permissions.checkSticky(caller, srcDir.record(), src.record());
        Permissions.checkSticky(caller, dstDir.record(), dst.record());
        boolean srcIsDir = src.record().isDirectory();
        boolean dstIsDir = dst.record().isDirectory();
        boolean cross = srcDir != dstDir;
        if (cross) {
            if (srcIsDir && isAncestor(src.ino(), dstDir.ino()) || dstIsDir && isAncestor(dst.ino(), srcDir.ino())) {
                throw new FsException(Errno.EINVAL, "exchange would move a directory into its own subtree");
            }
            if (srcIsDir) {
                Permissions.check(caller, src.record(), W_OK, "no write permission on moved directory");
            }
            if (dstIsDir) {
                Permissions.check(caller, dst.record(), W_OK, "no write permission on moved directory");
            }
        }
        long now = now();
        dirents.retarget(srcDir.ino(), se, dst.ino(), dst.record().type());
        dirents.retarget(dstDir.ino(), de, src.ino(), src.record().type());
        inodes.update(src, r -> (srcIsDir ? r.withParent(dstDir.ino()) : r).withCtime(now));
        inodes.update(dst, r -> (dstIsDir ? r.withParent(srcDir.ino()) : r).withCtime(now));
        if (cross && srcIsDir != dstIsDir) {
            int delta = srcIsDir ? 1 : -1; // a directory moves from srcDir to dstDir, or back
            inodes.update(srcDir, r -> r.withNlink(r.nlink() - delta));
            inodes.update(dstDir, r -> r.withNlink(r.nlink() + delta));
        }
        touchDirectory(srcDir, now);
        if (cross) {
            touchDirectory(dstDir, now);
        }
    }

    /** Whether directory {@code ancestor} is {@code dir} or one of its ancestors. */
    private boolean isAncestor(long ancestor, long dir) {
        long d = dir;
        for (int depth = 0; depth < 1_000_000; depth++) {
            if (d == ancestor) {
                return true;
            }
            if (d == InodeTable.ROOT_INO) {
                return false;
            }
            d = inodes.get(d).record().parent();
        }
        throw new FsException(Errno.EUCLEAN, "directory parents of " + dir + " form a cycle");
    }

    @Override
    public void access(Caller caller, long ino, int mask) {
        read(() -> {
            Inode inode = inodes.get(ino);
            if ((mask & 7) != 0) {
                Permissions.check(caller, inode.record(), mask & 7, "access " + mask + " to inode " + ino);
            }
            return null;
        });
    }

    @Override
    public List<DirEntry> readdir(Caller caller, long ino, long cookie, int max) {
        if (cookie < 0) {
            throw new FsException(Errno.EINVAL, "readdir cookie " + cookie);
        }
        List<DirEntry> out = read(() -> {
            Inode dir = directory(ino);
            Permissions.check(caller, dir.record(), R_OK, "no read permission on directory " + ino);
            List<DirEntry> list = new ArrayList<>();
            if (cookie == 0 && list.size() < max) {
                list.add(new DirEntry(".", ino, S_IFDIR, 1));
            }
            if (cookie <= 1 && list.size() < max) {
                list.add(new DirEntry("..", dir.record().parent(), S_IFDIR, 2));
            }
            if (list.size() < max) {
                long after = cookie <= 2 ? -1 : cookie - COOKIE_BASE;
                for (DirectoryEntries.Entry e : dirents.list(ino, after, max - list.size())) {
                    list.add(new DirEntry(e.nameString(), e.ino(), e.type(), e.position() + COOKIE_BASE));
                }
            }
            return list;
        });
        touchAtime(inodes.get(ino));
        return out;
    }

    /** relatime: atime moves when it is not newer than mtime/ctime or is a day old. */
    private void touchAtime(Inode inode) {
        InodeRecord r = inode.record();
        long now = now();
        if (r.atimeNs() <= r.mtimeNs() || r.atimeNs() <= r.ctimeNs() || now - r.atimeNs() >= DAY_NS) {
            if (r.atimeNs() >= now) {
                return;
            }
            try {
                txRun(() -> {
                    if (!inode.isFreed()) {
                        inodes.update(inode, x -> x.withAtime(now));
                    }
                });
            } catch (FsException e) {
                // atime is best effort: a read does not fail because its atime could not be kept
                if (e.errno() != Errno.EROFS && e.errno() != Errno.ENOENT && e.errno() != Errno.EIO) {
                    throw e;
                }
            }
        }
    }

    @Override
    public StatFs statfs() {
        return read(() -> {
            long total = volume.allocator().totalBlocks();
            // space promised to delayed allocations is used space, as far as anyone asking knows
            long free = Math.max(0, volume.allocator().freeBlocks() - data.reservedBlocks());
            long available = free;
            long used = inodes.inodeCount();
            // an inode costs a record of a tree node: a generous estimate of what free space holds
            long freeInodes = available * (volume.blockSize() / 256);
            return new StatFs(volume.blockSize(), total, free, available, used + freeInodes, freeInodes,
                    DirectoryEntries.NAME_MAX);
        });
    }

    // ---- setattr --------------------------------------------------------------------------

    @Override
    public Attr setattr(Caller caller, long ino, SetAttr c) {
        Inode inode = read(() -> inodes.get(ino));
        InodeRecord r = inode.record();
        // all permission checks before any change
        if (c.mode() != null && !Permissions.isOwner(caller, r)) {
            if (!dropsOnlySetId(r, c.mode())) {
                throw new FsException(Errno.EPERM, "chmod by a non-owner");
            }
            Permissions.check(caller, r, W_OK, "clearing set-ID bits needs write permission");
        }
        if (c.uid() != null && c.uid() != r.uid() && !caller.isRoot()) {
            throw new FsException(Errno.EPERM, "chown to another user");
        }
        if (c.gid() != null && !caller.isRoot() && (caller.uid() != r.uid() || c.gid() != r.gid() && !caller.inGroup(c.gid()))) {
            throw new FsException(Errno.EPERM, "chgrp by a non-owner or to a group not one's own");
        }
        if (c.uid() != null && !caller.isRoot() && caller.uid() != r.uid()) {
            throw new FsException(Errno.EPERM, "chown by a non-owner");
        }
        boolean explicitTime = c.atimeNs() != null && c.atimeNs() != SetAttr.NOW
                || c.mtimeNs() != null && c.mtimeNs() != SetAttr.NOW;
        boolean anyTime = c.atimeNs() != null || c.mtimeNs() != null;
        if (anyTime && !Permissions.isOwner(caller, r)) {
            if (explicitTime) {
                throw new FsException(Errno.EPERM, "setting times by a non-owner");
            }
            Permissions.check(caller, r, W_OK, "touching times needs write permission");
        }
        if (c.size() != null) {
            if (r.isDirectory()) {
                throw new FsException(Errno.EISDIR, "truncate of a directory");
            }
            if (!r.isRegular()) {
                throw new FsException(Errno.EINVAL, "truncate of a special file");
            }
            Permissions.check(caller, r, W_OK, "truncate needs write permission");
            truncate(caller, inode, c.size());
        }
        if (c.mode() == null && c.uid() == null && c.gid() == null && !anyTime) {
            return getattr(ino);
        }
        return tx(() -> {
            InodeRecord x = inode.record();
            long now = now();
            int mode = x.mode();
            if (c.mode() != null) {
                mode = (x.mode() & S_IFMT) | (c.mode() & 07777);
                if (!caller.isRoot() && !x.isDirectory() && (mode & S_ISGID) != 0 && !caller.inGroup(x.gid())) {
                    mode &= ~S_ISGID;
                }
            }
            int uid = c.uid() != null ? c.uid() : x.uid();
            int gid = c.gid() != null ? c.gid() : x.gid();
            InodeRecord y = x.withOwner(uid, gid);
            if ((c.uid() != null || c.gid() != null) && !x.isDirectory()) {
                mode = killSuid(x.withMode(mode));
            }
            y = y.withMode(mode);
            if (c.atimeNs() != null) {
                y = y.withAtime(c.atimeNs() == SetAttr.NOW ? now : c.atimeNs());
            }
            if (c.mtimeNs() != null) {
                y = y.withMtime(c.mtimeNs() == SetAttr.NOW ? now : c.mtimeNs());
            }
            inodes.write(inode, y.withCtime(now));
            return attr(inode);
        });
    }

    /** truncate(2)/ftruncate(2) of a regular file, permission already checked. */
    void truncate(Caller caller, Inode inode, long size) {
        if (size < 0) {
            throw new FsException(Errno.EINVAL, "negative size");
        }
        if (size > FileData.MAX_FILE_SIZE) {
            throw new FsException(Errno.EFBIG, "size " + size);
        }
        inode.iolock.writeLock().lock();
        inode.mmaplock.writeLock().lock();
        try {
            data.truncate(inode, size);
        } finally {
            inode.mmaplock.writeLock().unlock();
            inode.iolock.writeLock().unlock();
        }
        txRun(() -> {
            long now = now();
            inodes.update(inode, r -> {
                InodeRecord m = r.modified(now);
                return caller.isRoot() ? m : m.withMode(killSuid(m));
            });
        });
    }

    // ---- open files -----------------------------------------------------------------------

    @Override
    public OpenFile open(Caller caller, long ino, int flags) {
        // Opening changes nothing on disk: the pin only has to exclude the unlink/last-close
        // decision, which runs under the exclusive metadata lock, so the shared lock is enough.
        // That is also what lets a read-only volume open its files.
        int acc = flags & O_ACCMODE;
        if ((acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC) != 0) && volume.readOnly()) {
            throw new FsException(Errno.EROFS, "read-only filesystem: " + volume.readOnlyReason());
        }
        return truncateOnOpen(caller, read(() -> openInTx(caller, inodes.get(ino), flags, false)));
    }

    /** O_TRUNC of a regular file (write permission was checked at open); closes the handle if it fails. */
    private Handle truncateOnOpen(Caller caller, Handle h) {
        if ((h.flags & O_TRUNC) != 0 && h.inode.record().isRegular()) {
            try {
                truncate(caller, h.inode, 0);
            } catch (RuntimeException e) {
                h.close();
                throw e;
            }
        }
        return h;
    }

    /** Checks and pins, under {@code Volume.read} or inside a tx. */
    private Handle openInTx(Caller caller, Inode inode, int flags, boolean created) {
        int acc = flags & O_ACCMODE;
        if (acc == 3) {
            throw new FsException(Errno.EINVAL, "open access mode 3");
        }
        InodeRecord r = inode.record();
        if (r.isSymlink()) {
            throw new FsException(Errno.ELOOP, "open of a symlink");
        }
        if ((flags & O_DIRECTORY) != 0 && !r.isDirectory()) {
            throw new FsException(Errno.ENOTDIR, "O_DIRECTORY on a non-directory");
        }
        boolean reads = acc == O_RDONLY || acc == O_RDWR;
        boolean writes = acc == O_WRONLY || acc == O_RDWR;
        if (r.isDirectory() && (writes || (flags & O_TRUNC) != 0)) {
            throw new FsException(Errno.EISDIR, "directory opened for writing");
        }
        if (!created) {
            if (reads) {
                Permissions.check(caller, r, R_OK, "no read permission");
            }
            if (writes || (flags & O_TRUNC) != 0) {
                Permissions.check(caller, r, W_OK, "no write permission");
            }
        }
        inodes.pin(inode);
        return new Handle(caller, inode, flags);
    }

    @Override
    public OpenFile create(Caller caller, long parent, String name, int mode, int flags) {
        byte[] b = nameBytes(name);
        Handle h = tx(() -> {
            Inode dir = directory(parent);
            DirectoryEntries.Entry e = isDot(name) ? null : dirents.lookup(parent, b);
            if (e != null || isDot(name)) {
                if ((flags & O_EXCL) != 0) {
                    throw new FsException(Errno.EEXIST, name + " exists");
                }
                Permissions.check(caller, dir.record(), X_OK, "no search permission");
                Inode existing = isDot(name) ? dir : inodes.get(e.ino());
                if (existing.record().isDirectory()) {
                    throw new FsException(Errno.EISDIR, name + " is a directory");
                }
                return openInTx(caller, existing, flags, false);
            }
            // the name was looked up above: only the write permission is left to check
            Inode child = addNode(caller, writableDirectory(caller, parent), b, S_IFREG | (mode & 07777), 0, null);
            return openInTx(caller, child, flags, true);
        });
        return truncateOnOpen(caller, h);
    }

    /** One open descriptor. */
    final class Handle implements OpenFile {
        private final Caller caller;
        private final Inode inode;
        private final int flags;
        private volatile boolean closed;

        Handle(Caller caller, Inode inode, int flags) {
            this.caller = caller;
            this.inode = inode;
            this.flags = flags;
        }

        private void checkOpen() {
            if (closed) {
                throw new FsException(Errno.EBADF, "descriptor of inode " + inode.ino() + " is closed");
            }
        }

        private boolean readable() {
            return (flags & O_ACCMODE) != O_WRONLY;
        }

        private boolean writable() {
            return (flags & O_ACCMODE) != O_RDONLY;
        }

        private void checkRegular() {
            if (inode.record().isDirectory()) {
                throw new FsException(Errno.EISDIR, "inode " + inode.ino() + " is a directory");
            }
            if (!inode.record().isRegular()) {
                throw new FsException(Errno.EINVAL, "inode " + inode.ino() + " is not a regular file");
            }
        }

        @Override
        public long ino() {
            return inode.ino();
        }

        @Override
        public int flags() {
            return flags;
        }

        @Override
        public int read(long offset, java.nio.ByteBuffer dst) {
            checkOpen();
            if (!readable()) {
                throw new FsException(Errno.EBADF, "descriptor not open for reading");
            }
            checkRegular();
            if (offset < 0) {
                throw new FsException(Errno.EINVAL, "negative offset");
            }
            int n;
            inode.iolock.readLock().lock();
            try {
                n = data.read(inode, offset, dst);
            } finally {
                inode.iolock.readLock().unlock();
            }
            touchAtime(inode);
            return n;
        }

        @Override
        public int write(long offset, java.nio.ByteBuffer src) {
            checkOpen();
            if (!writable()) {
                throw new FsException(Errno.EBADF, "descriptor not open for writing");
            }
            checkRegular();
            if (offset < 0) {
                throw new FsException(Errno.EINVAL, "negative offset");
            }
            if (!src.hasRemaining()) {
                return 0;
            }
            int n;
            inode.iolock.writeLock().lock();
            try {
                long at = (flags & O_APPEND) != 0 ? inode.record().size() : offset;
                DataRequests.checkWrite(at, src.remaining());
                // times after the argument checks and before the data, as the kernel's
                // file_update_time: a write that extends the file then journals them with its
                // size, in one transaction
                inodes.touchModified(inode, now());
                n = data.write(inode, at, src);
            } finally {
                inode.iolock.writeLock().unlock();
            }
            removePrivileges(caller, inode);
            data.paceWriter(inode, n); // unlocked: others of this file go on while it waits
            return n;
        }

        /** fsync journals unjournaled times before the data path commits; fdatasync needs no times. */
        @Override
        public void fsync(boolean dataOnly) {
            checkOpen();
            if (!dataOnly) {
                journalTimes(inode);
            }
            data.fsync(inode, dataOnly);
        }

        @Override
        public void flush() {
            checkOpen();
            data.flush(inode);
        }

        @Override
        public void fallocate(int mode, long offset, long length) {
            checkOpen();
            if (!writable()) {
                throw new FsException(Errno.EBADF, "descriptor not open for writing");
            }
            if (inode.record().isDirectory()) {
                throw new FsException(Errno.EISDIR, "fallocate of a directory");
            }
            if (!inode.record().isRegular()) {
                throw new FsException(Errno.ENODEV, "fallocate of a special file");
            }
            if ((mode & ~FileData.KEEP_SIZE) != 0 && (flags & O_APPEND) != 0) {
                throw new FsException(Errno.EPERM, "punching or zeroing an append-only descriptor");
            }
            long sizeBefore = inode.record().size();
            inode.iolock.writeLock().lock();
            inode.mmaplock.writeLock().lock();
            try {
                data.fallocate(inode, mode, offset, length);
            } finally {
                inode.mmaplock.writeLock().unlock();
                inode.iolock.writeLock().unlock();
            }
            if ((mode & (FileData.PUNCH_HOLE | FileData.ZERO_RANGE)) != 0 || inode.record().size() != sizeBefore) {
                inodes.touchModified(inode, now());
            }
        }

        @Override
        public Attr getattr() {
            checkOpen();
            return FoliofsFileSystem.this.read(() -> attrOf(FoliofsFileSystem.this, inode));
        }

        @Override
        public void truncate(Caller who, long size) {
            checkOpen();
            if (!writable()) {
                throw new FsException(Errno.EINVAL, "descriptor not open for writing");
            }
            checkRegular();
            FoliofsFileSystem.this.truncate(who, inode, size);
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (volume.readOnly()) {
                // Nothing can be freed or trimmed on a read-only volume: an orphan stays on the
                // orphan list for the next read-write mount, and no space was reserved.
                FoliofsFileSystem.this.read(() -> inodes.unpin(inode));
                return;
            }
            if (FoliofsFileSystem.this.read(() -> unpinForClose(inode))) {
                InjectionPoints.hit(CLOSE_UPDATE, inode.ino(), 0);
                txRun(() -> finishClose(inode));
            }
        }
    }

    // ---- closing --------------------------------------------------------------------------

    /**
     * The part of a close that needs no transaction, under the shared metadata lock: one pin
     * fewer and, if it was the last, the data path's release. Returns whether a transaction has
     * work left ({@link #finishClose}): unjournaled times, or after the last close a file
     * without names to free or space to give back. Most closes (every close of a file created
     * and closed unwritten) have none and take neither the exclusive lock nor a transaction.
     *
     * <p>Why the shared lock: unlink decides "still open: orphan it, else free it" under the
     * exclusive lock, so it cannot fall between this unpin and the look at the link count (an
     * orphan whose last close saw a link would stay until the next mount). Opens pin under the
     * shared lock too, so one may pin the inode again right after the unpin: the transaction
     * checks the count again.
     */
    private boolean unpinForClose(Inode inode) {
        boolean work = inode.timesUnjournaled();
        if (inodes.unpin(inode) == 0) {
            boolean space = data.release(inode);
            work |= space || inode.record().nlink() == 0;
        }
        return work;
    }

    /**
     * The transaction of a close that {@link #unpinForClose} found work for. The last-close
     * work is done only if the inode is (still) unopened and not freed: an open since the
     * unpin leaves it to that descriptor's close, and an unlink since may have freed it (its
     * number may even be in use again, so nothing may be done by number).
     */
    private void finishClose(Inode inode) {
        if (inode.opens() == 0 && !inode.isFreed()) {
            data.releaseSpace(inode);
            if (inode.record().nlink() == 0) {
                freeInode(inode);
            }
        }
        inodes.writeTimes(inode);
    }

    // ---- deferred times and privilege removal of writes ----------------------------------

    /**
     * What a write takes away, as the kernel's {@code file_remove_privs}: set-user-ID (and
     * set-group-ID with group execute) when the caller is not root (the FUSE context carries no
     * capabilities: non-root is taken as lacking CAP_FSETID), and {@code security.capability}
     * whoever the caller is. The kernel does this itself before a write through its page cache;
     * for a direct-IO open it does not, so the filesystem must, and does so for every write
     * (a no-op after the kernel's).
     *
     * <p>Both are checked without a transaction: the mode in the in-core record, the attribute
     * through the xattr summary (a lookup only when the inode has security attributes). What is
     * removed is removed in one journaled transaction, which checks again.
     */
    private void removePrivileges(Caller caller, Inode inode) {
        boolean setId = !caller.isRoot() && killSuid(inode.record()) != inode.record().mode();
        if (!setId && !hasCapability(inode)) {
            return;
        }
        txRun(() -> {
            InodeRecord r = inode.record();
            int mode = caller.isRoot() ? r.mode() : killSuid(r);
            boolean capability = xattrs.find(inode.ino(), CAPABILITY) != null;
            if (capability) {
                xattrs.remove(inode.ino(), CAPABILITY);
                inode.xattrNamespaces(Inode.XATTRS_UNKNOWN); // loaded again by the next question
            }
            if (capability || mode != r.mode()) {
                long now = now();
                inodes.update(inode, x -> x.withMode(mode).withCtime(now));
            }
        });
    }

    /** Whether {@code inode} has a {@code security.capability} attribute; no lock when it has no security attributes. */
    private boolean hasCapability(Inode inode) {
        if ((xattrSummary(inode) & ExtendedAttributes.bit(ExtendedAttributes.Namespace.SECURITY)) == 0) {
            return false;
        }
        return read(() -> xattrs.find(inode.ino(), CAPABILITY) != null);
    }

    /** Journals the inode's unjournaled times (not yet durable: a sync or commit makes them so). */
    private void journalTimes(Inode inode) {
        if (inode.timesUnjournaled() && !volume.readOnly()) {
            txRun(() -> inodes.writeTimes(inode));
        }
    }

    /** Journals every inode's unjournaled times, a bounded number per transaction (sync, unmount). */
    private void journalAllTimes() {
        List<Inode> pending = inodes.withUnjournaledTimes();
        for (int i = 0; i < pending.size() && !volume.readOnly(); i += TIMES_PER_TRANSACTION) {
            List<Inode> batch = pending.subList(i, Math.min(pending.size(), i + TIMES_PER_TRANSACTION));
            txRun(() -> batch.forEach(inodes::writeTimes));
        }
    }

    // ---- extended attributes --------------------------------------------------------------

    /** Who may read attributes of namespace {@code ns}: trusted needs root; user follows read permission. */
    private void checkXattrRead(Caller caller, InodeRecord r, ExtendedAttributes.Namespace ns) {
        if (ns == ExtendedAttributes.Namespace.TRUSTED && !caller.isRoot()) {
            throw new FsException(Errno.EPERM, "trusted attributes need privilege");
        }
        if (ns == ExtendedAttributes.Namespace.USER) {
            Permissions.check(caller, r, R_OK, "no read permission");
        }
    }

    private void checkXattrWrite(Caller caller, InodeRecord r, ExtendedAttributes.Namespace ns) {
        switch (ns) {
            case TRUSTED -> {
                if (!caller.isRoot()) {
                    throw new FsException(Errno.EPERM, "trusted attributes need privilege");
                }
            }
            case SECURITY -> {
                if (!Permissions.isOwner(caller, r)) {
                    throw new FsException(Errno.EPERM, "security attributes of another's file");
                }
            }
            case USER -> {
                if (!r.isRegular() && !r.isDirectory()) {
                    throw new FsException(Errno.EPERM, "user attributes only on files and directories");
                }
                Permissions.check(caller, r, W_OK, "no write permission");
            }
        }
    }

    @Override
    public byte[] getxattr(Caller caller, long ino, String name) {
        byte[] v = findxattr(caller, ino, name);
        if (v == null) {
            throw new FsException(Errno.ENODATA, "no attribute " + name);
        }
        return v;
    }

    /**
     * {@inheritDoc}
     *
     * <p>An attribute in a namespace the inode's summary says is empty is answered absent
     * without the metadata lock or a tree lookup: the summary is loaded from the tree once,
     * under the shared lock, and every change of the inode's attributes keeps it a superset of
     * the truth (a set adds its namespace; a removal forgets the summary until it is loaded
     * again). Permission rules come first, as on the slow path.
     */
    @Override
    public byte[] findxattr(Caller caller, long ino, String name) {
        ExtendedAttributes.Namespace ns = ExtendedAttributes.namespaceOf(name);
        checkOpen();
        Inode inode = inodes.get(ino);
        checkXattrRead(caller, inode.record(), ns);
        if ((xattrSummary(inode) & ExtendedAttributes.bit(ns)) == 0) {
            return null;
        }
        return read(() -> {
            inodes.get(ino);
            return xattrs.find(ino, name);
        });
    }

    /** The inode's xattr namespace summary (see {@link Inode#xattrNamespaces}), loaded under the shared lock if unknown. */
    private int xattrSummary(Inode inode) {
        int bits = inode.xattrNamespaces();
        if (bits == Inode.XATTRS_UNKNOWN) {
            bits = read(() -> {
                int loaded = xattrs.namespaces(inode.ino());
                inode.xattrNamespaces(loaded);
                return loaded;
            });
        }
        return bits;
    }

    @Override
    public void setxattr(Caller caller, long ino, String name, byte[] value, int flags) {
        ExtendedAttributes.Namespace ns = ExtendedAttributes.namespaceOf(name);
        txRun(() -> {
            Inode inode = inodes.get(ino);
            checkXattrWrite(caller, inode.record(), ns);
            xattrs.set(ino, name, value, flags);
            int bits = inode.xattrNamespaces();
            if (bits != Inode.XATTRS_UNKNOWN) {
                inode.xattrNamespaces(bits | ExtendedAttributes.bit(ns));
            }
            long now = now();
            inodes.update(inode, r -> r.withCtime(now));
        });
    }

    @Override
    public List<String> listxattr(Caller caller, long ino) {
        return read(() -> {
            inodes.get(ino);
            List<String> names = new ArrayList<>();
            for (String n : xattrs.list(ino)) {
                if (caller.isRoot() || !n.startsWith(ExtendedAttributes.Namespace.TRUSTED.prefix())) {
                    names.add(n);
                }
            }
            return names;
        });
    }

    @Override
    public void removexattr(Caller caller, long ino, String name) {
        ExtendedAttributes.Namespace ns = ExtendedAttributes.namespaceOf(name);
        txRun(() -> {
            Inode inode = inodes.get(ino);
            if (CAPABILITY.equals(name)) {
                // The kernel's file_remove_privs sends this removal with the writer's credentials;
                // removal only takes privilege away (and removexattr(2) of it needs CAP_SETFCAP,
                // checked by the kernel), so anyone who may write the file may remove it.
                Permissions.check(caller, inode.record(), W_OK, "removing a file capability needs write permission");
            } else {
                checkXattrWrite(caller, inode.record(), ns);
            }
            xattrs.remove(ino, name);
            inode.xattrNamespaces(Inode.XATTRS_UNKNOWN); // loaded again by the next question
            long now = now();
            inodes.update(inode, r -> r.withCtime(now));
        });
    }

    // ---- whole filesystem -------------------------------------------------------------------

    @Override
    public void sync() {
        checkOpen();
        journalAllTimes();
        data.syncAll();
        volume.sync();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        data.syncAll();
        data.close();
        journalAllTimes();
        volume.sync();
        closed = true;
        volume.close();
    }
}
