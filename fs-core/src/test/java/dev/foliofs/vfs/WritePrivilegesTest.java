package dev.foliofs.vfs;

import static dev.foliofs.vfs.FsFixture.ALICE;
import static dev.foliofs.vfs.FsFixture.BOB;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.core.FsException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * A write removes privileges as the kernel's {@code file_remove_privs} does, which the kernel
 * skips for FUSE direct-IO opens: {@code security.capability} whoever writes, set-ID bits when
 * a non-root caller writes. Without anything to remove a write runs no transaction (checked by
 * making the next transaction fail: the write must still succeed).
 */
class WritePrivilegesTest {
    /** A v2 file capability (cap_net_raw, effective), as setcap writes it. */
    private static final byte[] CAP = {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    private final FsFixture f = new FsFixture();

    private long file(int mode) {
        long ino = f.file(ALICE, f.playground(), "f", "0123456789");
        f.fs.setattr(ALICE, ino, SetAttr.mode(mode));
        return ino;
    }

    private static void write(FileSystem.OpenFile h) {
        h.write(2, ByteBuffer.wrap(new byte[] {'x'}));
    }

    @Test
    void withoutACapabilityAWriteRunsNoTransaction() {
        long ino = file(0666);
        f.fs.setxattr(ROOT, ino, "user.k", new byte[] {1}, 0);
        long other = f.file(ALICE, f.fs.lookup(ROOT, FileSystem.ROOT_INO, "play").ino(), "labelled", "abc");
        f.fs.setattr(ALICE, other, SetAttr.mode(0666));
        f.fs.setxattr(ROOT, other, "security.selinux", "system_u:object_r:tmp_t".getBytes(), 0);
        for (Caller who : new Caller[] {BOB, ROOT}) {
            for (long i : new long[] {ino, other}) {
                try (var h = f.fs.open(who, i, 1)) {
                    f.volume.failNextUpdates(1);
                    try {
                        write(h);
                    } finally {
                        f.volume.failNextUpdates(0); // before close, which journals the times
                    }
                }
            }
        }
        assertThat(f.fs.findxattr(ROOT, other, "security.selinux")).isNotNull();
        assertThat(f.fs.findxattr(ROOT, ino, "user.k")).containsExactly(1);
    }

    @Test
    void aNonRootWriteRemovesTheCapabilityAndSetIdBitsInAJournaledTransaction() {
        long ino = file(06777);
        f.fs.setxattr(ROOT, ino, FoliofsFileSystem.CAPABILITY, CAP, 0);
        f.fs.setxattr(ROOT, ino, "security.selinux", "label".getBytes(), 0);
        f.clock.advance(1000);
        try (var h = f.fs.open(BOB, ino, 1)) {
            write(h);
        }
        assertThat(f.fs.findxattr(ROOT, ino, FoliofsFileSystem.CAPABILITY)).isNull();
        f.crashAndRemount();
        assertThat(f.fs.findxattr(ROOT, ino, FoliofsFileSystem.CAPABILITY)).as("journaled").isNull();
        assertThat(f.fs.listxattr(ROOT, ino)).containsExactly("security.selinux");
        Attr a = f.fs.getattr(ino);
        assertThat(a.mode() & 07777).isEqualTo(0777);
        assertThat(a.ctimeNs()).isEqualTo(f.clock.nanos());
    }

    /** The kernel's own privilege removal before a buffered write arrives with the writer's credentials. */
    @Test
    void aWriterWhoDoesNotOwnTheFileMayDropItsPrivilegesButNothingElse() {
        long ino = file(06777);
        f.fs.setxattr(ROOT, ino, FoliofsFileSystem.CAPABILITY, CAP, 0);
        f.fs.setxattr(ROOT, ino, "security.selinux", "label".getBytes(), 0);
        assertThatThrownBy(() -> f.fs.setattr(BOB, ino, SetAttr.mode(0777 | 01000)))
                .as("any other mode change stays the owner's").isInstanceOf(FsException.class);
        assertThatThrownBy(() -> f.fs.removexattr(BOB, ino, "security.selinux"))
                .as("other security attributes stay the owner's").isInstanceOf(FsException.class);
        f.fs.setattr(BOB, ino, SetAttr.mode(0777));
        f.fs.removexattr(BOB, ino, FoliofsFileSystem.CAPABILITY);
        assertThat(f.fs.getattr(ino).mode() & 07777).isEqualTo(0777);
        assertThat(f.fs.listxattr(ROOT, ino)).containsExactly("security.selinux");

        long locked = f.file(ALICE, f.fs.lookup(ROOT, FileSystem.ROOT_INO, "play").ino(), "locked", "abc");
        f.fs.setattr(ALICE, locked, SetAttr.mode(06755));
        f.fs.setxattr(ROOT, locked, FoliofsFileSystem.CAPABILITY, CAP, 0);
        assertThatThrownBy(() -> f.fs.setattr(BOB, locked, SetAttr.mode(0755)))
                .as("not without write permission").isInstanceOf(FsException.class);
        assertThatThrownBy(() -> f.fs.removexattr(BOB, locked, FoliofsFileSystem.CAPABILITY))
                .as("not without write permission").isInstanceOf(FsException.class);
        assertThat(f.fs.getattr(locked).mode() & 07777).isEqualTo(06755);
    }

    @Test
    void aRootWriteRemovesTheCapabilityButKeepsSetIdBits() {
        long ino = file(06777);
        f.fs.setxattr(ROOT, ino, FoliofsFileSystem.CAPABILITY, CAP, 0);
        try (var h = f.fs.open(ROOT, ino, 1)) {
            write(h);
        }
        f.crashAndRemount();
        assertThat(f.fs.findxattr(ROOT, ino, FoliofsFileSystem.CAPABILITY)).isNull();
        assertThat(f.fs.getattr(ino).mode() & 07777).isEqualTo(06777);
    }

    @Test
    void aCapabilitySetAgainAfterAWriteIsRemovedByTheNext() {
        long ino = file(0666);
        try (var h = f.fs.open(BOB, ino, 1)) {
            write(h); // loads the summary: no attributes
            f.fs.setxattr(ROOT, ino, FoliofsFileSystem.CAPABILITY, CAP, 0);
            write(h);
            assertThat(f.fs.findxattr(ROOT, ino, FoliofsFileSystem.CAPABILITY)).isNull();
        }
    }
}
