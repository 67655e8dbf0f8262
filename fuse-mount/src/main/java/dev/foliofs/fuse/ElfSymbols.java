package dev.foliofs.fuse;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Reads one symbol's value from the dynamic symbol table of a 64-bit little-endian ELF image. */
final class ElfSymbols {
    private static final int SHT_DYNSYM = 11;

    private ElfSymbols() {
    }

    /** The value (address relative to the load base) of {@code name}, or -1 when absent. */
    static long value(byte[] image, String name) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if (image.length < 64 || b.getInt(0) != 0x464c457f || image[4] != 2 || image[5] != 1) {
            return -1; // not ELF64 little-endian
        }
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
        int shnum = Short.toUnsignedInt(b.getShort(0x3c));
        byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < shnum; i++) {
            int sh = (int) (shoff + (long) i * shentsize);
            if (b.getInt(sh + 4) != SHT_DYNSYM) {
                continue;
            }
            int symOff = (int) b.getLong(sh + 0x18);
            int symSize = (int) b.getLong(sh + 0x20);
            int link = b.getInt(sh + 0x28);
            int strOff = (int) b.getLong((int) (shoff + (long) link * shentsize) + 0x18);
            for (int s = symOff; s + 24 <= symOff + symSize; s += 24) {
                int nameAt = strOff + b.getInt(s);
                if (matches(image, nameAt, wanted)) {
                    return b.getLong(s + 8);
                }
            }
        }
        return -1;
    }

    private static boolean matches(byte[] image, int at, byte[] wanted) {
        if (at < 0 || at + wanted.length >= image.length) {
            return false;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (image[at + i] != wanted[i]) {
                return false;
            }
        }
        return image[at + wanted.length] == 0;
    }
}
