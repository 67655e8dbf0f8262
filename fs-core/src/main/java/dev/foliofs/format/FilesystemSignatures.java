package dev.foliofs.format;

import dev.foliofs.device.BlockDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Recognises the filesystems (and other contents) mkfs must not overwrite without being told
 * to: foliofs itself, ext2/3/4, XFS, btrfs, swap, FAT, NTFS, exFAT and LUKS, by the
 * signatures those formats keep at fixed offsets.
 */
public final class FilesystemSignatures {
    private FilesystemSignatures() {
    }

    /** The name of what {@code device} already holds, or empty if no known signature is found. */
    public static Optional<String> detect(BlockDevice device) throws IOException {
        byte[] head = read(device, 0, 128 * 1024);
        if (ByteBuffer.wrap(head).getLong(0) == Superblock.MAGIC) {
            return Optional.of("foliofs");
        }
        if (at(head, 0, "LUKS\u00ba\u00be".getBytes(StandardCharsets.ISO_8859_1))) {
            return Optional.of("LUKS");
        }
        if (at(head, 0, ascii("XFSB"))) {
            return Optional.of("XFS");
        }
        if ((head[1080] & 0xff) == 0x53 && (head[1081] & 0xff) == 0xEF) {
            return Optional.of("ext2/3/4");
        }
        if (at(head, 65600, ascii("_BHRfS_M"))) {
            return Optional.of("btrfs");
        }
        if (at(head, 4086, ascii("SWAPSPACE2")) || at(head, 4086, ascii("SWAP-SPACE"))) {
            return Optional.of("swap");
        }
        if (at(head, 3, ascii("NTFS    "))) {
            return Optional.of("NTFS");
        }
        if (at(head, 3, ascii("EXFAT   "))) {
            return Optional.of("exFAT");
        }
        boolean bootSignature = (head[510] & 0xff) == 0x55 && (head[511] & 0xff) == 0xAA;
        if (bootSignature && (at(head, 54, ascii("FAT")) || at(head, 82, ascii("FAT32")))) {
            return Optional.of("FAT");
        }
        if (bootSignature) {
            return Optional.of("a partition table or boot sector (0x55AA at byte 510)");
        }
        try {
            Superblock.read(device);
            return Optional.of("foliofs (backup superblock)");
        } catch (RuntimeException notFoliofs) {
            return Optional.empty();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean at(byte[] bytes, int offset, byte[] expected) {
        if (offset + expected.length > bytes.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (bytes[offset + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] read(BlockDevice device, long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        int n = (int) Math.max(0, Math.min(length, device.size() - offset));
        device.read(offset, ByteBuffer.wrap(bytes, 0, n));
        return bytes;
    }
}
