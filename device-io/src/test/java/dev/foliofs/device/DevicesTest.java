package dev.foliofs.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DevicesTest {
    private Path image;

    @BeforeEach
    void createImage() throws IOException {
        image = TestImages.sparseImage("devices", 1 << 20);
    }

    @AfterEach
    void deleteImage() {
        TestImages.delete(image);
    }

    @Test
    void aRegularFileOpensAsAnImage() throws IOException {
        try (BlockDevice device = Devices.open(image, OpenOptions.DEFAULT)) {
            assertThat(device).isInstanceOf(FileBlockDevice.class);
            assertThat(device.size()).isEqualTo(1 << 20);
            assertThat(device.describe()).isEqualTo(image.toString());
        }
    }

    @Test
    void aMissingPathIsReportedAsSuch() {
        Path missing = TestImages.directory().resolve("no-such-image.img");
        assertThatThrownBy(() -> Devices.open(missing, OpenOptions.DEFAULT))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("no such file or device");
    }

    @Test
    void somethingThatIsNeitherFileNorBlockDeviceIsRefused() {
        assertThatThrownBy(() -> Devices.open(TestImages.directory(), OpenOptions.DEFAULT))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("not a regular file or block device");
        assertThatThrownBy(() -> Devices.open(Paths.get("/dev/null"), OpenOptions.DEFAULT))
                .hasMessageContaining("not a regular file or block device");
    }

    @Test
    void aSecondExclusiveOpenOfAnImageFailsAsInUseUntilTheFirstCloses() throws IOException {
        OpenOptions exclusive = OpenOptions.DEFAULT.withExclusive(true);
        try (BlockDevice first = Devices.open(image, exclusive)) {
            assertThatThrownBy(() -> Devices.open(image, exclusive))
                    .isInstanceOf(DeviceInUseException.class)
                    .hasMessageContaining(image.toString())
                    .hasMessageContaining("device is in use");
            // a shared opener (e.g. a read-only inspection) is not stopped by the claim
            Devices.open(image, OpenOptions.DEFAULT.withReadOnly(true)).close();
            assertThat(first.size()).isEqualTo(1 << 20);
        }
        Devices.open(image, exclusive).close();
    }

    @Test
    void directAndExclusiveCombine() throws IOException {
        OpenOptions options = OpenOptions.DEFAULT.withDirect(true).withExclusive(true);
        try (BlockDevice first = Devices.open(image, options)) {
            assertThat(first).isInstanceOf(DirectBlockDevice.class);
            assertThatThrownBy(() -> Devices.open(image, options)).isInstanceOf(DeviceInUseException.class);
        }
        Devices.open(image, options).close();
    }

    @Test
    void permissionDeniedIsReportedAsSuch() throws Exception {
        if ("root".equals(System.getProperty("user.name"))) {
            // root passes permission bits; an immutable file is refused to root too (EPERM)
            Assumptions.assumeTrue(run("chattr", "+i", image.toString()) == 0, "chattr is not available");
        } else {
            Files.setPosixFilePermissions(image, PosixFilePermissions.fromString("r--------"));
        }
        try {
            assertThatThrownBy(() -> Devices.open(image, OpenOptions.DEFAULT))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining(image.toString())
                    .hasMessageContaining("permission denied");
            Devices.open(image, OpenOptions.DEFAULT.withReadOnly(true)).close();
        } finally {
            run("chattr", "-i", image.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }
}
