package dev.foliofs.fuse.mount;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's read-ahead window for files of a FUSE mount ({@code kernel_readahead=}).
 *
 * <p>Why: the kernel reads ahead of a sequential reader by its backing device's
 * {@code read_ahead_kb} (128 KiB), one request of at most 128 KiB each with libfuse 2, so a
 * streaming reader has about one request in flight and every request waits for the one
 * before. FUSE_INIT's {@code max_readahead} can only lower that window, never raise it; the
 * mount's backing-device entry in sysfs can. A larger window lets the kernel send several
 * requests at once, which libfuse's threads serve in parallel. Files take the window when they
 * are opened, so it is set once the mount is live and before anyone can open a file through it
 * (the mount command returns after this).
 */
final class KernelReadahead {
    private static final Logger log = LoggerFactory.getLogger(KernelReadahead.class);
    private static final Path BDI = Path.of("/sys/class/bdi");

    private KernelReadahead() {
    }

    /**
     * Sets the read-ahead window of the mount on {@code mountpoint} to {@code bytes} (rounded
     * down to KiB). Needs root; anything that does not work is logged and the kernel's default
     * stays: this is a speed setting, never a reason to fail a mount.
     */
    static void apply(Path mountpoint, long bytes) {
        apply(BDI, mountpoint, bytes);
    }

    static void apply(Path bdiRoot, Path mountpoint, long bytes) {
        try {
            long dev = ((Number) Files.getAttribute(mountpoint, "unix:dev")).longValue();
            Path knob = bdiRoot.resolve(major(dev) + ":" + minor(dev)).resolve("read_ahead_kb");
            Files.writeString(knob, Long.toString(bytes / 1024));
        } catch (IOException | RuntimeException e) {
            log.warn("cannot set the kernel read-ahead of {} to {} KiB ({}); the kernel's default stays",
                    mountpoint, bytes / 1024, e.toString());
        }
    }

    /** Linux's dev_t encoding (glibc gnu_dev_major/minor). */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    }

    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & ~0xffL & 0xffffffffL);
    }
}
