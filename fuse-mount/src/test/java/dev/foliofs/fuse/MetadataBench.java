package dev.foliofs.fuse;

import dev.foliofs.device.Devices;
import dev.foliofs.device.LoopDevice;
import dev.foliofs.device.OpenOptions;
import dev.foliofs.fuse.mount.FoliofsMount;
import dev.foliofs.fuse.mount.MountOptions;
import dev.foliofs.vfs.FileSystem;
import dev.foliofs.vfs.FoliofsFileSystem;
import dev.foliofs.vfs.FsOptions;
import dev.foliofs.volume.Mkfs;
import dev.foliofs.volume.MkfsOptions;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.VolumeOptions;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Creates, stats and deletes N empty files (default 100,000) in one directory through a
 * foliofs mount and through kernel ext4, each on its own loop device over a sparse image, in
 * the same run and with the same client code. Not a test: run it by hand, as root:
 *
 * <pre>
 * mvn -o -q -pl fuse-mount -am test-compile
 * mvn -o -q -pl fuse-mount dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Dfile.encoding=UTF-8 -cp fuse-mount/target/test-classes:fuse-mount/target/classes:$(cat fuse-mount/target/cp.txt) \
 *     dev.foliofs.fuse.MetadataBench [N [foliofs|adapter]]
 * </pre>
 */
public final class MetadataBench {
    private static final long IMAGE_BYTES = 4L << 30;

    private record Times(double createS, double statS, double deleteS) {
    }

    private MetadataBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Path.of("fuse-mount", "target", "bench").toAbsolutePath();
        Files.createDirectories(dir);
        if (args.length > 1 && args[1].equals("foliofs")) { // foliofs alone, e.g. to profile it
            row("foliofs", n, foliofs(dir, n));
            return;
        }
        if (args.length > 1 && args[1].equals("adapter")) { // FUSE + adapter over an in-memory fake
            row("adapter", n, adapterOnly(dir, n));
            return;
        }
        Times ext4 = ext4(dir, n);
        Times foliofs = foliofs(dir, n);
        System.out.printf("%n%,d empty files in one directory (seconds; ops/s)%n", n);
        System.out.printf("%-8s %18s %18s %18s%n", "", "create", "stat", "delete");
        row("ext4", n, ext4);
        row("foliofs", n, foliofs);
        System.out.printf("%-8s %17.2fx %17.2fx %17.2fx%n", "ratio", ext4.createS / foliofs.createS,
                ext4.statS / foliofs.statS, ext4.deleteS / foliofs.deleteS);
        System.out.println("(ratio = ext4 time / foliofs time: 1.0 is as fast as ext4)");
    }

    private static void row(String name, int n, Times t) {
        System.out.printf("%-8s %7.2f %10.0f %7.2f %10.0f %7.2f %10.0f%n", name, t.createS, n / t.createS,
                t.statS, n / t.statS, t.deleteS, n / t.deleteS);
    }

    private static Times ext4(Path dir, int n) throws Exception {
        Path image = sparse(dir.resolve("ext4.img"));
        Path mnt = Files.createDirectories(dir.resolve("mnt-ext4"));
        try (LoopDevice loop = LoopDevice.attach(image)) {
            run("mkfs.ext4", "-q", "-F", loop.node().toString());
            run("mount", "-t", "ext4", loop.node().toString(), mnt.toString());
            try {
                return workload(mnt, n);
            } finally {
                run("umount", mnt.toString());
            }
        } finally {
            Files.deleteIfExists(image);
        }
    }

    private static Times foliofs(Path dir, int n) throws Exception {
        Path image = sparse(dir.resolve("foliofs.img"));
        Path mnt = Files.createDirectories(dir.resolve("mnt-foliofs"));
        try (LoopDevice loop = LoopDevice.attach(image)) {
            Mkfs.format(Devices.open(loop.node(), OpenOptions.DEFAULT), MkfsOptions.defaults(),
                    v -> FoliofsFileSystem.createRoot(v, 0, 0, 0755, System.currentTimeMillis() * 1_000_000L));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            MountedVolume volume = MountedVolume.open(loop.node(), VolumeOptions.defaults().withRegistry(registry));
            FileSystem fs = FoliofsFileSystem.open(volume, FsOptions.defaults().withRegistry(registry));
            try (FoliofsMount mount = FoliofsMount.mount(fs, mnt,
                    MountOptions.parse(loop.node().toString(), List.of()), registry)) {
                return workload(mnt, n);
            }
        } finally {
            Files.deleteIfExists(image);
        }
    }

    /** The cost of the kernel, libfuse and the adapter alone: the filesystem behind is a map. */
    private static Times adapterOnly(Path dir, int n) throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt-adapter"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (FoliofsMount mount = FoliofsMount.mount(new FakeFileSystem(), mnt,
                MountOptions.parse("fake", List.of()), registry)) {
            return workload(mnt, n);
        }
    }

    private static Times workload(Path mnt, int n) throws IOException, InterruptedException {
        Path d = Files.createDirectory(mnt.resolve("d"));
        Path[] files = new Path[n];
        for (int i = 0; i < n; i++) {
            files[i] = d.resolve("f" + i);
        }
        long t0 = System.nanoTime();
        for (Path f : files) {
            Files.createFile(f);
        }
        long t1 = System.nanoTime();
        long sizes = 0;
        for (Path f : files) {
            sizes += Files.readAttributes(f, BasicFileAttributes.class).size();
        }
        long t2 = System.nanoTime();
        for (Path f : files) {
            Files.delete(f);
        }
        long t3 = System.nanoTime();
        run("sync", "-f", mnt.toString());
        if (sizes != 0) {
            throw new IllegalStateException("files are not empty");
        }
        return new Times((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
    }

    private static Path sparse(Path image) throws IOException {
        Files.deleteIfExists(image);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(IMAGE_BYTES);
        }
        return image;
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("failed: " + String.join(" ", cmd));
        }
    }
}
