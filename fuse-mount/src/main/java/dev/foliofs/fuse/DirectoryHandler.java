package dev.foliofs.fuse;

import dev.foliofs.vfs.Caller;
import dev.foliofs.vfs.DirEntry;
import dev.foliofs.vfs.FileSystem;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * Directories: opendir keeps the directory's inode number in {@code fi.fh} (a directory handle
 * holds no other state), readdir fills the kernel's buffer in offset mode: every entry carries
 * its cookie, so the next call resumes exactly after the last entry the kernel accepted even
 * when the directory changed in between.
 */
final class DirectoryHandler {
    private static final int BATCH = 128;
    private static final int NAME_BUFFER = 4 * PathResolver.NAME_MAX + 1;

    private final FileSystem fs;
    private final PathResolver paths;

    DirectoryHandler(FileSystem fs, PathResolver paths) {
        this.fs = fs;
        this.paths = paths;
    }

    int opendir(Caller c, String path, FuseFileInfo fi) {
        fi.fh.set(paths.inode(c, path));
        return 0;
    }

    int readdir(Caller c, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
        long ino = fi.fh.get();
        Runtime runtime = Runtime.getSystemRuntime();
        Pointer stMemory = Memory.allocateDirect(runtime, Struct.size(new FileStat(runtime)), true);
        FileStat st = FileStat.of(stMemory);
        ByteBuffer name = ByteBuffer.allocateDirect(NAME_BUFFER);
        long cookie = offset;
        while (true) {
            List<DirEntry> batch = fs.readdir(c, ino, cookie, BATCH);
            if (batch.isEmpty()) {
                return 0;
            }
            for (DirEntry e : batch) {
                st.st_ino.set(e.ino());
                st.st_mode.set(modeOfType(e.type()));
                name.clear();
                name.put(e.name().getBytes(StandardCharsets.UTF_8)).put((byte) 0).flip();
                if (filler.apply(buf, name, stMemory, e.cookie()) != 0) {
                    return 0; // the kernel's buffer is full; it asks again from e's predecessor
                }
                cookie = e.cookie();
            }
        }
    }

    /** Directory entry types are DT_* values (DT_x << 12 == S_IFx); mode type bits also work. */
    static int modeOfType(int type) {
        return type > 017 ? type & 0170000 : type << 12;
    }
}
