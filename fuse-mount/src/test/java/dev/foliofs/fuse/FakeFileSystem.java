package dev.foliofs.fuse;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.vfs.Attr;
import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.DirEntry;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.SetAttr;
import dev.foliofs.vfs.StatFs;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small in-memory filesystem for adapter tests: enough namespace and data semantics to see
 * that requests reach the right method with the right arguments and answers come back. No
 * permission checks. It records close() so tests see the mount close its filesystem.
 */
final class FakeFileSystem implements FileSystem {
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    private static final class Node {
        final long ino;
        int mode;
        int nlink = 1;
        byte[] data = new byte[0];
        String target;
        final TreeMap<String, Long> children = new TreeMap<>();
        final Map<String, byte[]> xattrs = new HashMap<>();
        long mtime = System.currentTimeMillis() * 1_000_000L;

        Node(long ino, int mode) {
            this.ino = ino;
            this.mode = mode;
        }

        boolean dir() {
            return (mode & 0170000) == S_IFDIR;
        }
    }

    /** Runs at the start of every data write, outside the filesystem's monitor: tests hold writes there. */
    volatile Runnable beforeWrite = () -> { };
    /** Sees the size of every data read request: tests record how the kernel cut a read. */
    volatile java.util.function.IntConsumer onRead = size -> { };
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger openFiles = new AtomicInteger();
    private final Map<Long, Node> nodes = new HashMap<>();
    private long nextIno = 2;

    FakeFileSystem() {
        Node root = new Node(ROOT_INO, S_IFDIR | 0755);
        root.nlink = 2;
        nodes.put(ROOT_INO, root);
    }

    private Node node(long ino) {
        Node n = nodes.get(ino);
        if (n == null) {
            throw new FsException(Errno.ENOENT, "no inode " + ino);
        }
        return n;
    }

    private Node dir(long ino) {
        Node n = node(ino);
        if (!n.dir()) {
            throw new FsException(Errno.ENOTDIR, "not a directory");
        }
        return n;
    }

    private Attr attr(Node n) {
        long size = n.target != null ? n.target.length() : n.data.length;
        return new Attr(n.ino, n.mode, n.nlink, 0, 0, 0, size, (size + 511) / 512, 4096,
                n.mtime, n.mtime, n.mtime, 0);
    }

    private Node add(long parent, String name, int mode) {
        Node p = dir(parent);
        if (p.children.containsKey(name)) {
            throw new FsException(Errno.EEXIST, name);
        }
        Node n = new Node(nextIno++, mode);
        nodes.put(n.ino, n);
        p.children.put(name, n.ino);
        return n;
    }

    @Override
    public synchronized Attr lookup(Caller caller, long parent, String name) {
        Long ino = dir(parent).children.get(name);
        if (ino == null) {
            throw new FsException(Errno.ENOENT, name);
        }
        return attr(node(ino));
    }

    @Override
    public synchronized Attr getattr(long ino) {
        return attr(node(ino));
    }

    @Override
    public synchronized Attr setattr(Caller caller, long ino, SetAttr c) {
        Node n = node(ino);
        if (c.mode() != null) {
            n.mode = (n.mode & 0170000) | c.mode();
        }
        if (c.size() != null) {
            n.data = Arrays.copyOf(n.data, Math.toIntExact(c.size()));
        }
        if (c.mtimeNs() != null) {
            n.mtime = c.mtimeNs() == SetAttr.NOW ? System.currentTimeMillis() * 1_000_000L : c.mtimeNs();
        }
        return attr(n);
    }

    @Override
    public synchronized Attr mknod(Caller caller, long parent, String name, int mode, long rdev) {
        return attr(add(parent, name, mode));
    }

    @Override
    public synchronized Attr mkdir(Caller caller, long parent, String name, int mode) {
        Node n = add(parent, name, S_IFDIR | mode);
        n.nlink = 2;
        return attr(n);
    }

    @Override
    public synchronized Attr symlink(Caller caller, long parent, String name, String target) {
        Node n = add(parent, name, S_IFLNK | 0777);
        n.target = target;
        return attr(n);
    }

    @Override
    public synchronized String readlink(long ino) {
        Node n = node(ino);
        if (n.target == null) {
            throw new FsException(Errno.EINVAL, "not a symlink");
        }
        return n.target;
    }

    @Override
    public synchronized Attr link(Caller caller, long ino, long newParent, String newName) {
        Node p = dir(newParent);
        if (p.children.containsKey(newName)) {
            throw new FsException(Errno.EEXIST, newName);
        }
        p.children.put(newName, ino);
        node(ino).nlink++;
        return attr(node(ino));
    }

    @Override
    public synchronized void unlink(Caller caller, long parent, String name) {
        Node p = dir(parent);
        Long ino = p.children.get(name);
        if (ino == null) {
            throw new FsException(Errno.ENOENT, name);
        }
        if (node(ino).dir()) {
            throw new FsException(Errno.EISDIR, name);
        }
        p.children.remove(name);
        node(ino).nlink--;
    }

    @Override
    public synchronized void rmdir(Caller caller, long parent, String name) {
        Node p = dir(parent);
        Long ino = p.children.get(name);
        if (ino == null) {
            throw new FsException(Errno.ENOENT, name);
        }
        if (!dir(ino).children.isEmpty()) {
            throw new FsException(Errno.ENOTEMPTY, name);
        }
        p.children.remove(name);
        nodes.remove(ino);
    }

    @Override
    public synchronized void rename(Caller caller, long parent, String name, long newParent,
                                    String newName, int flags) {
        Long ino = dir(parent).children.remove(name);
        if (ino == null) {
            throw new FsException(Errno.ENOENT, name);
        }
        dir(newParent).children.put(newName, ino);
    }

    @Override
    public synchronized void access(Caller caller, long ino, int mask) {
        node(ino);
    }

    @Override
    public synchronized List<DirEntry> readdir(Caller caller, long ino, long cookie, int max) {
        Node d = dir(ino);
        List<DirEntry> out = new ArrayList<>();
        List<Map.Entry<String, Long>> all = new ArrayList<>();
        all.add(Map.entry(".", ino));
        all.add(Map.entry("..", ino));
        all.addAll(d.children.entrySet());
        for (int i = (int) cookie; i < all.size() && out.size() < max; i++) {
            Node n = node(all.get(i).getValue());
            out.add(new DirEntry(all.get(i).getKey(), n.ino, (n.mode & 0170000) >> 12, i + 1));
        }
        return out;
    }

    @Override
    public StatFs statfs() {
        return new StatFs(4096, 1000, 900, 900, 100, 90, 255);
    }

    @Override
    public synchronized OpenFile open(Caller caller, long ino, int flags) {
        Node n = node(ino);
        if ((flags & 01000) != 0) {
            n.data = new byte[0];
        }
        return new Open(n, flags);
    }

    @Override
    public synchronized OpenFile create(Caller caller, long parent, String name, int mode, int flags) {
        Long existing = dir(parent).children.get(name);
        if (existing != null) {
            if ((flags & 0200) != 0) {
                throw new FsException(Errno.EEXIST, name);
            }
            return open(caller, existing, flags);
        }
        return new Open(add(parent, name, mode), flags);
    }

    @Override
    public synchronized byte[] getxattr(Caller caller, long ino, String name) {
        byte[] v = node(ino).xattrs.get(name);
        if (v == null) {
            throw new FsException(Errno.ENODATA, name);
        }
        return v;
    }

    @Override
    public synchronized void setxattr(Caller caller, long ino, String name, byte[] value, int flags) {
        node(ino).xattrs.put(name, value);
    }

    @Override
    public synchronized List<String> listxattr(Caller caller, long ino) {
        return new ArrayList<>(node(ino).xattrs.keySet());
    }

    @Override
    public synchronized void removexattr(Caller caller, long ino, String name) {
        if (node(ino).xattrs.remove(name) == null) {
            throw new FsException(Errno.ENODATA, name);
        }
    }

    @Override
    public void sync() {
    }

    @Override
    public void close() {
        closed.incrementAndGet();
    }

    private final class Open implements OpenFile {
        private final Node node;
        private final int flags;

        Open(Node node, int flags) {
            this.node = node;
            this.flags = flags;
            openFiles.incrementAndGet();
        }

        @Override
        public long ino() {
            return node.ino;
        }

        @Override
        public int flags() {
            return flags;
        }

        @Override
        public int read(long offset, ByteBuffer dst) {
            onRead.accept(dst.remaining());
            synchronized (FakeFileSystem.this) {
                if (offset >= node.data.length) {
                    return 0;
                }
                int n = (int) Math.min(dst.remaining(), node.data.length - offset);
                dst.put(node.data, (int) offset, n);
                return n;
            }
        }

        @Override
        public int write(long offset, ByteBuffer src) {
            beforeWrite.run();
            synchronized (FakeFileSystem.this) {
                int n = src.remaining();
                long at = (flags & 02000) != 0 ? node.data.length : offset;
                if (at + n > node.data.length) {
                    node.data = Arrays.copyOf(node.data, Math.toIntExact(at + n));
                }
                src.get(node.data, (int) at, n);
                return n;
            }
        }

        @Override
        public void fsync(boolean dataOnly) {
        }

        @Override
        public void flush() {
        }

        @Override
        public void fallocate(int mode, long offset, long length) {
            throw new FsException(Errno.EOPNOTSUPP, "fallocate");
        }

        @Override
        public Attr getattr() {
            synchronized (FakeFileSystem.this) {
                return attr(node);
            }
        }

        @Override
        public void truncate(Caller caller, long size) {
            synchronized (FakeFileSystem.this) {
                node.data = Arrays.copyOf(node.data, Math.toIntExact(size));
            }
        }

        @Override
        public void close() {
            openFiles.decrementAndGet();
        }
    }
}
