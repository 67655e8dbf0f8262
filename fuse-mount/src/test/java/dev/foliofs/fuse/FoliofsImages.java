package dev.foliofs.fuse;

import dev.foliofs.device.Devices;
import dev.foliofs.device.OpenOptions;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FoliofsFileSystem;
import dev.foliofs.vfs.FsOptions;
import dev.foliofs.volume.Mkfs;
import dev.foliofs.volume.MkfsOptions;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.VolumeOptions;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real foliofs images for mount tests: a sparse file under target/, formatted with mkfs. */
public final class FoliofsImages {
    private FoliofsImages() {
    }

    /** A fresh sparse image of {@code size} bytes holding an empty foliofs (root 0755, uid 0). */
    public static Path format(String name, long size) throws IOException {
        Path dir = Path.of("target", "images").toAbsolutePath();
        Files.createDirectories(dir);
        Path image = dir.resolve(name + "-" + ProcessHandle.current().pid() + ".img");
        Files.deleteIfExists(image);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(size);
        }
        Mkfs.format(Devices.open(image, OpenOptions.DEFAULT), MkfsOptions.defaults(),
                v -> FoliofsFileSystem.createRoot(v, 0, 0, 0755, System.currentTimeMillis() * 1_000_000L));
        return image;
    }

    /** The filesystem on {@code image}, as a mount opens it. */
    public static FileSystem open(Path image, boolean readOnly, MeterRegistry registry) {
        MountedVolume volume = MountedVolume.open(image,
                VolumeOptions.defaults().withReadOnly(readOnly).withRegistry(registry));
        try {
            return FoliofsFileSystem.open(volume, FsOptions.defaults().withRegistry(registry));
        } catch (RuntimeException e) {
            volume.close();
            throw e;
        }
    }
}
