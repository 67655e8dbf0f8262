package dev.foliofs.fuse;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.vfs.FileSystem.OpenFile;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The open-file table: {@code fi.fh} → {@link OpenFile}. Every operation on an open file finds
 * it here, never by path, because paths change under rename and an unlinked open file has
 * none. Handles are never reused within a mount, so a stale handle cannot reach another file.
 */
final class OpenFiles {
    private final ConcurrentHashMap<Long, OpenFile> byHandle = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(1);

    long add(OpenFile file) {
        long fh = next.getAndIncrement();
        byHandle.put(fh, file);
        return fh;
    }

    /** The open file of {@code fh}; EBADF when there is none. */
    OpenFile get(long fh) {
        OpenFile f = byHandle.get(fh);
        if (f == null) {
            throw new FsException(Errno.EBADF, "no open file with handle " + fh);
        }
        return f;
    }

    OpenFile remove(long fh) {
        OpenFile f = byHandle.remove(fh);
        if (f == null) {
            throw new FsException(Errno.EBADF, "no open file with handle " + fh);
        }
        return f;
    }

    int size() {
        return byHandle.size();
    }

    /** Removes and returns every open file (at unmount, for files the kernel never released). */
    List<OpenFile> drain() {
        List<OpenFile> all = new ArrayList<>();
        for (Long fh : List.copyOf(byHandle.keySet())) {
            OpenFile f = byHandle.remove(fh);
            if (f != null) {
                all.add(f);
            }
        }
        return all;
    }
}
