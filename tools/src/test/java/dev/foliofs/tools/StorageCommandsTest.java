package dev.foliofs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.device.FileBlockDevice;
import dev.foliofs.format.Features;
import dev.foliofs.format.Superblock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mkfs, fsck and info from the command line: what they print, their exit status, and that refusals write nothing. */
class StorageCommandsTest {
    @TempDir
    Path dir;

    private Path image(String name, long size) throws IOException {
        Path p = dir.resolve(name);
        FileBlockDevice.create(p, size).close();
        return p;
    }

    private static String digest(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    private static void poke(Path p, long offset, byte[] bytes) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    private static byte[] peek(Path p, long offset, int length) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(p)) {
            ByteBuffer b = ByteBuffer.allocate(length);
            ch.read(b, offset);
            return b.array();
        }
    }

    @Test
    void mkfsThenInfoThenFsck() throws Exception {
        Path img = image("fs.img", 64 << 20);
        CommandRun mkfs = CommandRun.of(new MkfsCommand(), "--label", "data", "--journal-size", "1M", img.toString());
        assertThat(mkfs.exit()).as(mkfs.err()).isZero();
        assertThat(mkfs.out()).contains("foliofs, 16384 blocks of 4096 bytes, journal 256 blocks");

        CommandRun info = CommandRun.of(new InfoCommand(), img.toString());
        assertThat(info.exit()).isZero();
        assertThat(info.out()).contains("label:           data").contains("block size:      4096").contains("state:           clean")
                .contains("journal state:   empty");

        CommandRun fsck = CommandRun.of(new FsckCommand(), "-n", img.toString());
        assertThat(fsck.exit()).as(fsck.out() + fsck.err()).isZero();
        assertThat(fsck.out()).contains("checking tree 1").contains("checking free space").endsWith(img + ": clean\n");
    }

    @Test
    void mkfsRefusesATooSmallDeviceAndWritesNothing() throws Exception {
        Path img = image("tiny.img", 64 * 1024);
        String before = digest(img);
        CommandRun run = CommandRun.of(new MkfsCommand(), img.toString());
        assertThat(run.exit()).isNotZero();
        assertThat(run.errLines()).singleElement().asString().contains("too small").contains("needs at least");
        assertThat(digest(img)).isEqualTo(before);
    }

    @Test
    void mkfsRefusesAnExistingFoliofsWithoutForce() throws Exception {
        Path img = image("fs.img", 16 << 20);
        assertThat(CommandRun.of(new MkfsCommand(), img.toString()).exit()).isZero();
        String before = digest(img);
        CommandRun again = CommandRun.of(new MkfsCommand(), img.toString());
        assertThat(again.exit()).isNotZero();
        assertThat(again.errLines()).singleElement().asString().contains("already holds foliofs").contains("--force");
        assertThat(digest(img)).isEqualTo(before);
        assertThat(CommandRun.of(new MkfsCommand(), "--force", img.toString()).exit()).isZero();
    }

    @Test
    void mkfsRefusesOtherFilesystemsWithoutForce() throws Exception {
        Path img = image("ext4.img", 16 << 20);
        poke(img, 1080, new byte[] {0x53, (byte) 0xEF});
        String before = digest(img);
        CommandRun run = CommandRun.of(new MkfsCommand(), img.toString());
        assertThat(run.exit()).isNotZero();
        assertThat(run.errLines()).singleElement().asString().contains("ext2/3/4");
        assertThat(digest(img)).isEqualTo(before);

        Path xfs = image("xfs.img", 16 << 20);
        poke(xfs, 0, "XFSB".getBytes());
        assertThat(CommandRun.of(new MkfsCommand(), xfs.toString()).errLines()).singleElement().asString().contains("XFS");

        Path swap = image("swap.img", 16 << 20);
        poke(swap, 4086, "SWAPSPACE2".getBytes());
        assertThat(CommandRun.of(new MkfsCommand(), swap.toString()).errLines()).singleElement().asString().contains("swap");

        Path btrfs = image("btrfs.img", 16 << 20);
        poke(btrfs, 65600, "_BHRfS_M".getBytes());
        assertThat(CommandRun.of(new MkfsCommand(), btrfs.toString()).errLines()).singleElement().asString().contains("btrfs");
    }

    @Test
    void mkfsRefusesAMissingDeviceAndABadBlockSize() throws Exception {
        CommandRun missing = CommandRun.of(new MkfsCommand(), dir.resolve("nope.img").toString());
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.errLines()).singleElement().asString().contains("no such file");
        Path img = image("fs.img", 16 << 20);
        CommandRun bad = CommandRun.of(new MkfsCommand(), "--block-size", "3000", img.toString());
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.errLines()).singleElement().asString().contains("block size 3000");
    }

    @Test
    void fsckAndInfoRefuseADeviceWithoutFoliofs() throws Exception {
        Path img = image("empty.img", 16 << 20);
        String before = digest(img);
        CommandRun info = CommandRun.of(new InfoCommand(), img.toString());
        assertThat(info.exit()).isNotZero();
        assertThat(info.errLines()).singleElement().asString().contains("not a foliofs filesystem");
        CommandRun fsck = CommandRun.of(new FsckCommand(), img.toString());
        assertThat(fsck.exit()).isEqualTo(8);
        assertThat(fsck.errLines()).singleElement().asString().contains("not a foliofs filesystem");
        CommandRun repair = CommandRun.of(new FsckCommand(), "-y", img.toString());
        assertThat(repair.exit()).isEqualTo(8);
        assertThat(digest(img)).isEqualTo(before);
    }

    @Test
    void anUnknownVersionOrIncompatibleFeatureIsRefused() throws Exception {
        Path img = image("fs.img", 16 << 20);
        assertThat(CommandRun.of(new MkfsCommand(), img.toString()).exit()).isZero();
        Superblock sb = Superblock.decode(peek(img, 0, Superblock.SIZE));

        Superblock future = new Superblock(2, sb.geometry(), sb.features(), sb.uuid(), sb.label(), sb.roots(), 0,
                sb.journalEpoch(), sb.journalTailSeq(), sb.journalTailPos(), true, sb.createdSeconds());
        poke(img, 0, java.util.Arrays.copyOf(future.encode(), Superblock.SIZE));
        String before = digest(img);
        for (Object cmd : new Object[] {new InfoCommand(), new FsckCommand()}) {
            CommandRun run = CommandRun.of(cmd, img.toString());
            assertThat(run.exit()).isNotZero();
            assertThat(run.errLines()).singleElement().asString().contains("format version 2 is not supported");
        }
        assertThat(CommandRun.of(new FsckCommand(), "-y", img.toString()).exit()).isEqualTo(8);
        assertThat(digest(img)).isEqualTo(before);

        Superblock withFeature = sb.withFeatures(new Features(0, 0x40, 0));
        poke(img, 0, java.util.Arrays.copyOf(withFeature.encode(), Superblock.SIZE));
        CommandRun info = CommandRun.of(new InfoCommand(), img.toString());
        assertThat(info.exit()).isNotZero();
        assertThat(info.errLines()).singleElement().asString().contains("unknown incompatible features 0x40");
        CommandRun fsck = CommandRun.of(new FsckCommand(), "-y", img.toString());
        assertThat(fsck.exit()).isEqualTo(8);
        assertThat(fsck.errLines()).singleElement().asString().contains("unknown incompatible features");
    }

    @Test
    void aCorruptedPrimarySuperblockFallsBackToTheBackupAndSaysSo() throws Exception {
        Path img = image("fs.img", 16 << 20);
        assertThat(CommandRun.of(new MkfsCommand(), "--label", "kept", img.toString()).exit()).isZero();
        poke(img, 60, new byte[] {'X', 'Y'});
        String before = digest(img);

        CommandRun info = CommandRun.of(new InfoCommand(), img.toString());
        assertThat(info.exit()).isZero();
        assertThat(info.out()).contains("primary superblock at block 0 is unusable").contains("using the backup superblock at block 4095")
                .contains("label:           kept");
        assertThat(digest(img)).isEqualTo(before);

        CommandRun check = CommandRun.of(new FsckCommand(), img.toString());
        assertThat(check.exit()).isEqualTo(4);
        CommandRun repair = CommandRun.of(new FsckCommand(), "-y", img.toString());
        assertThat(repair.exit()).as(repair.out() + repair.err()).isEqualTo(1);
        assertThat(CommandRun.of(new FsckCommand(), img.toString()).exit()).isZero();
        assertThat(CommandRun.of(new InfoCommand(), img.toString()).out()).doesNotContain("warning");
    }

    @Test
    void fsckRejectsContradictoryOptions() throws Exception {
        Path img = image("fs.img", 16 << 20);
        CommandRun run = CommandRun.of(new FsckCommand(), "-n", "-y", img.toString());
        assertThat(run.exit()).isEqualTo(8);
        assertThat(run.errLines()).singleElement().asString().contains("exclude each other");
    }
}
