package dev.foliofs.fuse;

import dev.foliofs.vfs.Attr;
import ru.serce.jnrfuse.struct.FileStat;

/** Copies an {@link Attr} into the kernel's struct stat. */
final class StatFiller {
    private static final long NANOS = 1_000_000_000L;

    private StatFiller() {
    }

    static void fill(Attr a, FileStat st) {
        st.st_ino.set(a.ino());
        st.st_mode.set(a.mode());
        st.st_nlink.set(a.nlink());
        st.st_uid.set(a.uid());
        st.st_gid.set(a.gid());
        st.st_rdev.set(a.rdev());
        st.st_size.set(a.size());
        st.st_blksize.set(a.blockSize());
        st.st_blocks.set(a.blocks());
        st.st_atim.tv_sec.set(Math.floorDiv(a.atimeNs(), NANOS));
        st.st_atim.tv_nsec.set(Math.floorMod(a.atimeNs(), NANOS));
        st.st_mtim.tv_sec.set(Math.floorDiv(a.mtimeNs(), NANOS));
        st.st_mtim.tv_nsec.set(Math.floorMod(a.mtimeNs(), NANOS));
        st.st_ctim.tv_sec.set(Math.floorDiv(a.ctimeNs(), NANOS));
        st.st_ctim.tv_nsec.set(Math.floorMod(a.ctimeNs(), NANOS));
    }
}
