package dev.foliofs.vfs;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ALICE;
import static dev.foliofs.vfs.FsFixture.BOB;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.cache.CachedFileData;
import dev.foliofs.core.Errno;
import dev.foliofs.data.DirectFileData;
import dev.foliofs.data.FileData;
import dev.foliofs.inode.InodeRecord;
import dev.foliofs.inode.InodeTable;
import dev.foliofs.volume.testing.InMemoryVolume;
import dev.foliofs.writeback.Writeback;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * mtime and ctime of data writes (and fallocate) live in the in-core inode until a
 * transaction writes the record: stat sees them at once; fsync, close, sync and unmount
 * journal them; a power cut without any of those loses them, back to the last journaled
 * record. Here on the in-memory volume, where every transaction is durable at once, so "in
 * the inodes tree" and "survives a power cut" are the same thing.
 */
class DeferredTimesTest {
    private final FsFixture f = new FsFixture();

    private long file(Caller who, long parent) {
        return f.file(who, parent, "f", "0123456789");
    }

    /** The record as the inodes tree holds it. */
    private InodeRecord stored(long ino) {
        return f.volume.read(() -> InodeRecord.decode(ino, f.volume.inodes().get(InodeTable.key(ino))));
    }

    private static void write(FileSystem.OpenFile h, long offset, int length) {
        h.write(offset, ByteBuffer.wrap(new byte[length]));
    }

    @Test
    void aWriteShowsItsTimesAtOnceWithoutJournalingThem() {
        long ino = file(ROOT, ROOT_INO);
        long before = stored(ino).mtimeNs();
        try (var h = f.fs.open(ROOT, ino, 2)) {
            f.clock.advance(1000);
            write(h, 2, 3);
            Attr a = f.fs.getattr(ino);
            assertThat(a.mtimeNs()).isEqualTo(f.clock.nanos());
            assertThat(a.ctimeNs()).isEqualTo(f.clock.nanos());
            assertThat(h.getattr().mtimeNs()).isEqualTo(f.clock.nanos());
            assertThat(stored(ino).mtimeNs()).as("no transaction for the times of a write").isEqualTo(before);
            assertThat(f.fs.inodeTable().get(ino).timesUnjournaled()).isTrue();
        }
    }

    @Test
    void aWriteRefusedForItsArgumentsChangesNoTimes() {
        long ino = file(ROOT, ROOT_INO);
        long before = f.fs.getattr(ino).mtimeNs();
        try (var h = f.fs.open(ROOT, ino, 2)) {
            f.clock.advance(1000);
            FsFixture.assertErrno(Errno.EFBIG, () -> write(h, FileData.MAX_FILE_SIZE, 1));
            assertThat(f.fs.getattr(ino).mtimeNs()).isEqualTo(before);
        }
    }

    @Test
    void anExtendingWriteJournalsItsTimesWithItsSize() {
        long ino = file(ROOT, ROOT_INO);
        try (var h = f.fs.open(ROOT, ino, 2)) {
            f.clock.advance(1000);
            write(h, 10, 5);
            InodeRecord r = stored(ino);
            assertThat(r.size()).isEqualTo(15);
            assertThat(r.mtimeNs()).isEqualTo(f.clock.nanos());
            assertThat(f.fs.inodeTable().get(ino).timesUnjournaled()).isFalse();
        }
    }

    @Test
    void fsyncJournalsTheTimes() {
        long ino = file(ROOT, ROOT_INO);
        try (var h = f.fs.open(ROOT, ino, 2)) {
            f.clock.advance(1000);
            write(h, 0, 4);
            h.fsync(false);
            assertThat(stored(ino).mtimeNs()).isEqualTo(f.clock.nanos());
            assertThat(stored(ino).ctimeNs()).isEqualTo(f.clock.nanos());
        }
    }

    @Test
    void fsyncJournalsTheTimesWhateverTheDataPath() {
        FsFixture direct = new FsFixture(InMemoryVolume.create(), DirectFileData::new);
        long ino = direct.file(ROOT, ROOT_INO, "f", "0123456789");
        try (var h = direct.fs.open(ROOT, ino, 2)) {
            direct.clock.advance(1000);
            write(h, 0, 4);
            assertThat(direct.fs.inodeTable().get(ino).timesUnjournaled()).isTrue();
            h.fsync(false);
            InodeRecord r = direct.volume.read(() -> InodeRecord.decode(ino, direct.volume.inodes().get(InodeTable.key(ino))));
            assertThat(r.mtimeNs()).isEqualTo(direct.clock.nanos());
        }
    }

    @Test
    void theLastCloseAndSyncJournalTheTimes() {
        long a = f.file(ROOT, ROOT_INO, "a", "aaaa");
        long b = f.file(ROOT, ROOT_INO, "b", "bbbb");
        var ha = f.fs.open(ROOT, a, 2);
        var hb = f.fs.open(ROOT, b, 2);
        f.clock.advance(1000);
        write(ha, 0, 1);
        write(hb, 0, 1);
        ha.close();
        assertThat(stored(a).mtimeNs()).as("close").isEqualTo(f.clock.nanos());
        assertThat(stored(b).mtimeNs()).isLessThan(f.clock.nanos());
        f.fs.sync();
        assertThat(stored(b).mtimeNs()).as("sync").isEqualTo(f.clock.nanos());
        hb.close();
    }

    @Test
    void aPowerCutLosesThemBackToTheLastJournaledRecord() {
        long ino = file(ROOT, ROOT_INO);
        var h = f.fs.open(ROOT, ino, 2);
        f.clock.advance(1000);
        write(h, 0, 1);
        h.fsync(false);
        long synced = f.clock.nanos();
        f.clock.advance(1000);
        write(h, 1, 1);
        f.crashAndRemount();
        Attr after = f.fs.getattr(ino);
        assertThat(after.mtimeNs()).isEqualTo(synced);
        assertThat(after.ctimeNs()).isEqualTo(synced);
    }

    @Test
    void writebackJournalsTheTimesWithTheExtentsItConverts() {
        long ino = file(ROOT, ROOT_INO);
        f.fs.setattr(ROOT, ino, SetAttr.size(1 << 20));
        Writeback writeback = ((CachedFileData) f.fs.fileData()).writeback();
        try (var h = f.fs.open(ROOT, ino, 2)) {
            writeback.writeback(ino, 0, Long.MAX_VALUE);
            f.clock.advance(1000);
            write(h, 512 << 10, 4096); // into a hole: writeback allocates and converts it
            assertThat(stored(ino).mtimeNs()).isLessThan(f.clock.nanos());
            writeback.writeback(ino, 0, Long.MAX_VALUE);
            assertThat(stored(ino).mtimeNs()).as("with the conversion").isEqualTo(f.clock.nanos());
            assertThat(f.fs.inodeTable().get(ino).timesUnjournaled()).isFalse();
            long converted = f.clock.nanos();
            f.clock.advance(1000);
            write(h, 512 << 10, 4096); // over written blocks: no conversion, no transaction
            writeback.writeback(ino, 0, Long.MAX_VALUE);
            assertThat(stored(ino).mtimeNs()).as("overwrites cause no metadata commit").isEqualTo(converted);
        }
    }

    @Test
    void fallocateDefersItsTimesToo() {
        long ino = file(ROOT, ROOT_INO);
        long before = stored(ino).mtimeNs();
        try (var h = f.fs.open(ROOT, ino, 2)) {
            f.clock.advance(1000);
            h.fallocate(FileData.PUNCH_HOLE | FileData.KEEP_SIZE, 0, 4);
            assertThat(f.fs.getattr(ino).mtimeNs()).isEqualTo(f.clock.nanos());
            assertThat(stored(ino).mtimeNs()).isEqualTo(before);
            h.fsync(false);
            assertThat(stored(ino).mtimeNs()).isEqualTo(f.clock.nanos());
        }
    }

    @Test
    void anExplicitUtimesReplacesUnjournaledTimes() {
        long ino = file(ROOT, ROOT_INO);
        try (var h = f.fs.open(ROOT, ino, 2)) {
            f.clock.advance(1000);
            write(h, 0, 1);
            f.fs.setattr(ROOT, ino, SetAttr.times(null, 123L));
            h.fsync(false);
            assertThat(stored(ino).mtimeNs()).isEqualTo(123L);
            assertThat(f.fs.getattr(ino).mtimeNs()).isEqualTo(123L);
        }
    }

    @Test
    void aRolledBackTransactionKeepsTheUnjournaledTimes() {
        long ino = file(ROOT, ROOT_INO);
        try (var h = f.fs.open(ROOT, ino, 2)) {
            f.clock.advance(1000);
            write(h, 0, 1);
            long written = f.clock.nanos();
            f.clock.advance(1000);
            f.volume.failNextUpdates(1);
            FsFixture.assertErrno(Errno.EIO, () -> f.fs.setattr(ROOT, ino, SetAttr.mode(0600)));
            Attr a = f.fs.getattr(ino);
            assertThat(a.mode() & 07777).isEqualTo(0644);
            assertThat(a.mtimeNs()).isEqualTo(written);
            assertThat(f.fs.inodeTable().get(ino).timesUnjournaled()).isTrue();
            h.fsync(false);
            assertThat(stored(ino).mtimeNs()).isEqualTo(written);
        }
    }

    @Test
    void setIdBitsClearedByAWriteAreJournaledAndPlainFilesNeedNoTransaction() {
        long play = f.playground();
        long suid = f.file(ALICE, play, "suid", "x");
        f.fs.setattr(ALICE, suid, SetAttr.mode(06777));
        long plain = f.file(ALICE, play, "plain", "x");
        f.fs.setattr(ALICE, plain, SetAttr.mode(0666));
        long plainBefore = stored(plain).ctimeNs();
        f.clock.advance(1000);
        try (var h = f.fs.open(BOB, suid, 1); var p = f.fs.open(BOB, plain, 1)) {
            write(h, 0, 1);
            write(p, 0, 1);
            assertThat(stored(suid).mode() & 07777).isEqualTo(0777);
            assertThat(stored(suid).ctimeNs()).isEqualTo(f.clock.nanos());
            assertThat(stored(plain).ctimeNs()).isEqualTo(plainBefore);
        }
    }
}
