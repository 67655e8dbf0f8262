package dev.foliofs.vfs;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.core.Errno;
import dev.foliofs.data.DirectFileData;
import dev.foliofs.data.FileData;
import dev.foliofs.fsck.namespace.NamespaceCheck;
import dev.foliofs.inject.InjectionPoints;
import dev.foliofs.inject.Pause;
import dev.foliofs.volume.testing.InMemoryVolume;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What closing a descriptor costs and does: a close with nothing to journal takes no
 * transaction; unjournaled times, the last close of an unlinked file and a speculative tail
 * still get one; an open racing with the last close never loses the file.
 */
class CloseTest {
    private static final int O_RDONLY = 0;
    private static final int O_RDWR = 2;
    private final FsFixture f = new FsFixture();

    @AfterEach
    void disarm() {
        InjectionPoints.reset();
    }

    private long transactions() {
        return f.volume.committedUpdates();
    }

    private static void write(FileSystem.OpenFile h, long offset, int length) {
        h.write(offset, ByteBuffer.wrap(new byte[length]));
    }

    @Test
    void closingAFileJustCreatedOrOpenedTakesNoTransaction() {
        FileSystem.OpenFile created = f.fs.create(ROOT, ROOT_INO, "empty", 0644, O_RDWR);
        long before = transactions();
        created.close();
        assertThat(transactions()).as("close of a new empty file").isEqualTo(before);

        long ino = f.file(ROOT, ROOT_INO, "data", "contents");
        before = transactions();
        FileSystem.OpenFile reader = f.fs.open(ROOT, ino, O_RDONLY);
        FileSystem.OpenFile writer = f.fs.open(ROOT, ino, O_RDWR);
        assertThat(FsFixture.read(reader)).isEqualTo("contents");
        reader.close();
        writer.close();
        assertThat(transactions()).as("open, read and close of a file").isEqualTo(before);
    }

    @Test
    void closingOnTheDirectDataPathTakesNoTransactionEither() {
        FsFixture direct = new FsFixture(InMemoryVolume.create(), DirectFileData::new);
        long ino = direct.file(ROOT, ROOT_INO, "f", "0123456789");
        long before = direct.volume.committedUpdates();
        direct.fs.open(ROOT, ino, O_RDWR).close();
        assertThat(direct.volume.committedUpdates()).isEqualTo(before);
    }

    @Test
    void everyCloseJournalsUnjournaledTimes() {
        long ino = f.file(ROOT, ROOT_INO, "f", "0123456789");
        FileSystem.OpenFile a = f.fs.open(ROOT, ino, O_RDWR);
        FileSystem.OpenFile b = f.fs.open(ROOT, ino, O_RDWR);
        f.clock.advance(1000);
        write(a, 0, 1); // an overwrite: its times are deferred
        assertThat(f.fs.inodeTable().get(ino).timesUnjournaled()).isTrue();
        long before = transactions();
        a.close(); // not the last descriptor, yet its close journals the times
        assertThat(transactions()).isEqualTo(before + 1);
        assertThat(f.fs.inodeTable().get(ino).timesUnjournaled()).isFalse();
        b.close();
        assertThat(transactions()).as("nothing left for the last close").isEqualTo(before + 1);
        f.crashAndRemount();
        assertThat(f.fs.getattr(ino).mtimeNs()).isEqualTo(f.clock.nanos());
    }

    @Test
    void theLastCloseOfAnUnlinkedFileFreesItAndACrashAfterwardsFindsNothingToRecover() {
        long ino = f.file(ROOT, ROOT_INO, "tmp", "");
        FileSystem.OpenFile h = f.fs.open(ROOT, ino, O_RDWR);
        write(h, 0, 40_000);
        f.fs.unlink(ROOT, ROOT_INO, "tmp");
        long freeWhileOpen = f.fs.statfs().freeBlocks();
        h.close();
        FsFixture.assertErrno(Errno.ENOENT, () -> f.fs.getattr(ino));
        assertThat(f.volume.read(() -> f.fs.inodeTable().orphans())).isEmpty();
        assertThat(f.fs.statfs().freeBlocks()).isGreaterThan(freeWhileOpen);

        FoliofsFileSystem after = f.crashAndRemount();
        assertThat(f.registry.find("foliofs.orphans.recovered").counter().count()).isZero();
        FsFixture.assertErrno(Errno.ENOENT, () -> after.getattr(ino));
        assertThat(after.volume().read(() -> after.inodeTable().orphans())).isEmpty();
        assertThat(after.volume().read(() -> after.extentMap().all(ino))).isEmpty();
        assertThat(NamespaceCheck.check(after.volume())).isEmpty();
    }

    @Test
    void theLastCloseAfterAnExtendingWriteGivesTheSpeculativeTailBack() {
        FileSystem.OpenFile h = f.fs.create(ROOT, ROOT_INO, "grown", 0644, O_RDWR);
        long ino = h.ino();
        write(h, 0, 10_000);
        assertThat(f.fs.getattr(ino).blocks()).as("a tail is reserved past EOF").isGreaterThan(3 * 8);
        long before = transactions();
        h.close();
        assertThat(transactions()).isEqualTo(before + 1);
        assertThat(f.fs.getattr(ino).blocks()).isEqualTo(3 * 8);
    }

    /**
     * The last close of an orphan drops its pin, then an open (by number) pins it again before
     * the close's transaction runs: the transaction must see the new descriptor and leave the
     * file alone; that descriptor's close frees it.
     */
    @Test
    void anOpenBetweenTheLastUnpinAndTheCloseTransactionKeepsTheFile() throws Exception {
        long ino = f.file(ROOT, ROOT_INO, "tmp", "abc");
        FileSystem.OpenFile first = f.fs.open(ROOT, ino, O_RDONLY);
        f.fs.unlink(ROOT, ROOT_INO, "tmp");
        Pause pause = InjectionPoints.pauseAt(FoliofsFileSystem.CLOSE_UPDATE, h -> h.ino() == ino);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
        pause.awaitArrival();
        assertThat(f.fs.inodeTable().get(ino).opens()).as("the closing pin is off").isZero();

        FileSystem.OpenFile second = f.fs.open(ROOT, ino, O_RDONLY);
        pause.release();
        closing.get(60, TimeUnit.SECONDS);

        assertThat(FsFixture.read(second)).isEqualTo("abc");
        assertThat(f.volume.read(() -> f.fs.inodeTable().orphans())).containsExactly(ino);
        second.close();
        FsFixture.assertErrno(Errno.ENOENT, () -> f.fs.getattr(ino));
        assertThat(f.volume.read(() -> f.fs.inodeTable().orphans())).isEmpty();
        assertThat(NamespaceCheck.check(f.volume)).isEmpty();
    }

    /** Two last closes racing with an open both find work; the second one finds it done. */
    @Test
    void twoCloseTransactionsOfOneInodeFreeItOnce() throws Exception {
        long ino = f.file(ROOT, ROOT_INO, "tmp", "abc");
        FileSystem.OpenFile first = f.fs.open(ROOT, ino, O_RDONLY);
        f.fs.unlink(ROOT, ROOT_INO, "tmp");
        Pause pause = InjectionPoints.pauseAt(FoliofsFileSystem.CLOSE_UPDATE, h -> h.ino() == ino);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
        pause.awaitArrival();
        f.fs.open(ROOT, ino, O_RDONLY).close(); // opened and closed again: this close frees it
        FsFixture.assertErrno(Errno.ENOENT, () -> f.fs.getattr(ino));
        pause.release();
        closing.get(60, TimeUnit.SECONDS);
        assertThat(f.volume.read(() -> f.fs.inodeTable().orphans())).isEmpty();
        assertThat(NamespaceCheck.check(f.volume)).isEmpty();
    }

    @Test
    void theDataPathAnswersWhetherALastCloseHasSpaceToGiveBack() {
        FileData data = f.fs.fileData();
        long ino = f.file(ROOT, ROOT_INO, "read", "abc");
        try (FileSystem.OpenFile h = f.fs.open(ROOT, ino, O_RDWR)) {
            FsFixture.read(h);
            assertThat(data.release(f.fs.inodeTable().get(ino))).as("read only").isFalse();
            write(h, 3, 10_000);
            assertThat(data.release(f.fs.inodeTable().get(ino))).as("extended").isTrue();
        }
        assertThat(data.release(f.fs.inodeTable().get(ino))).as("trimmed by the close").isFalse();
    }
}
