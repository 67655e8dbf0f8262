package dev.foliofs.volume;

import static dev.foliofs.volume.Volumes.key;
import static dev.foliofs.volume.Volumes.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.device.DeviceIo;
import java.io.IOException;
import com.sun.nio.file.ExtendedOpenOption;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** How {@link MountedVolume#open(Path, VolumeOptions)} opens its device: O_DIRECT when asked and possible. */
class DeviceIoModeTest {
    private Path image;

    @AfterEach
    void removeImage() throws IOException {
        if (image != null) {
            Files.deleteIfExists(image);
        }
    }

    @Test
    void directIoOpensTheDeviceWithODirectAndDataSurvivesAReopen() throws IOException {
        image = Volumes.formattedImage(Path.of("target").toAbsolutePath());
        try (MountedVolume v = MountedVolume.open(image, Volumes.options().withDeviceIo(DeviceIo.DIRECT))) {
            assertThat(v.device().describe()).contains("O_DIRECT");
            v.update(() -> {
                for (int i = 0; i < 500; i++) {
                    v.inodes().put(key(i), value(i, 60));
                }
                return null;
            });
        }
        try (MountedVolume v = MountedVolume.open(image, Volumes.options())) {
            assertThat(v.device().describe()).doesNotContain("O_DIRECT");
            for (int i = 0; i < 500; i++) {
                assertThat(v.inodes().get(key(i))).isEqualTo(value(i, 60));
            }
        }
    }

    /** tmpfs took O_DIRECT only in recent kernels: the volume opens either way, direct where it can. */
    @Test
    void onTmpfsTheVolumeOpensDirectOrBufferedAsTheKernelAllows() throws IOException {
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && "tmpfs".equals(Files.getFileStore(shm).type()),
                "needs a tmpfs at /dev/shm");
        image = Volumes.formattedImage(shm);
        boolean supported;
        try (FileChannel probe = FileChannel.open(image, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
            supported = true;
        } catch (UnsupportedOperationException | IOException e) {
            supported = false;
        }
        try (MountedVolume v = MountedVolume.open(image, Volumes.options().withDeviceIo(DeviceIo.DIRECT))) {
            assertThat(v.device().describe().contains("O_DIRECT")).isEqualTo(supported);
            assertThat(v.superblock()).isNotNull();
        }
    }
}
