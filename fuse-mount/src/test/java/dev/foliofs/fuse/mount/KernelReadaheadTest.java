package dev.foliofs.fuse.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelReadaheadTest {

    @Test
    void devNumbersDecodeLikeGlibc() {
        assertThat(KernelReadahead.major(40L)).isZero();
        assertThat(KernelReadahead.minor(40L)).isEqualTo(40);
        assertThat(KernelReadahead.major((8L << 8) | 1)).isEqualTo(8);
        assertThat(KernelReadahead.minor((8L << 8) | 1)).isEqualTo(1);
        assertThat(KernelReadahead.minor(0x0010_0000L | 5)).isEqualTo(0x100 | 5);
    }

    @Test
    void theWindowIsWrittenInKibToTheMountsBackingDevice(@TempDir Path dir) throws Exception {
        Path mountpoint = Files.createDirectory(dir.resolve("mnt"));
        long dev = ((Number) Files.getAttribute(mountpoint, "unix:dev")).longValue();
        Path bdi = Files.createDirectories(dir.resolve("bdi").resolve(KernelReadahead.major(dev) + ":" + KernelReadahead.minor(dev)));
        Files.writeString(bdi.resolve("read_ahead_kb"), "128");

        KernelReadahead.apply(dir.resolve("bdi"), mountpoint, 1L << 20);

        assertThat(Files.readString(bdi.resolve("read_ahead_kb"))).isEqualTo("1024");
    }

    @Test
    void withoutTheSysfsEntryTheMountGoesOnWithTheKernelsDefault(@TempDir Path dir) {
        KernelReadahead.apply(dir.resolve("no-such-bdi"), dir, 1L << 20); // logs, does not throw
    }
}
