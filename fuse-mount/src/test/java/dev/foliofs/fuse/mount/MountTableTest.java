package dev.foliofs.fuse.mount;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountTableTest {

    @Test
    void theRootIsAMountPointWithAType() {
        assertThat(MountTable.isMounted(Path.of("/"))).isTrue();
        assertThat(MountTable.fsType(Path.of("/"))).isNotBlank();
        assertThat(MountTable.isMounted(Path.of("/"), MountTable.fsType(Path.of("/")))).isTrue();
        assertThat(MountTable.isMounted(Path.of("/"), "fuse.foliofs")).isFalse();
    }

    @Test
    void aPlainDirectoryIsNotMountedAndForceUnmountLeavesItAlone(@TempDir Path dir) throws Exception {
        Path sub = Files.createDirectory(dir.resolve("mnt with space"));
        assertThat(MountTable.isMounted(sub)).isFalse();
        assertThat(MountTable.forceUnmount(sub)).isTrue();
        assertThat(sub).isDirectory();
    }

    @Test
    void aPathThatOnlyStartsLikeAMountPointDoesNotMatch() {
        assertThat(MountTable.isMounted(Path.of("/proc/self"))).isFalse();
        assertThat(MountTable.isMounted(Path.of("/proc"))).isTrue();
    }
}
