package dev.foliofs.fuse.mount;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The options of one mount: the FUSE options handed to libfuse (our defaults, overridden by
 * {@code -o}) and foliofs' own: {@code ro}, {@code cache_size=SIZE}, {@code metrics=HOST:PORT}
 * or {@code metrics=off}. Unknown options are refused here, before anything is mounted.
 *
 * <p>Defaults and why: {@code big_writes,max_write=131072} (fewer, larger write requests),
 * {@code use_ino} (stat shows our inode numbers), {@code attr_timeout=1,entry_timeout=1},
 * {@code default_permissions} (the kernel checks modes too), {@code fsname=DEVICE},
 * {@code subtype=foliofs}, {@code hard_remove} (unlinked open files keep working through
 * their handle instead of being renamed to .fuse_hidden*). A default is switched off with
 * {@code no} before its name ({@code nohard_remove}).
 *
 * @param fuse        the FUSE options in order, a null value for a flag
 * @param readOnly    mount read-only: nothing is written to the device
 * @param cacheSize   the page cache size in bytes, when given
 * @param metrics     where to serve metrics; empty when {@code metrics=off}
 */
public record MountOptions(Map<String, String> fuse, boolean readOnly, Optional<Long> cacheSize,
                           Optional<InetSocketAddress> metrics) {

    /** The metrics address when none is given: loopback, any free port. */
    public static final InetSocketAddress DEFAULT_METRICS = new InetSocketAddress("127.0.0.1", 0);

    private static final Set<String> FUSE_FLAGS = Set.of(
            "big_writes", "use_ino", "readdir_ino", "default_permissions", "hard_remove",
            "allow_other", "allow_root", "auto_unmount", "kernel_cache", "auto_cache",
            "noauto_cache", "direct_io", "async_read", "sync_read", "atomic_o_trunc", "nonempty",
            "intr", "noatime", "atime", "relatime", "nodev", "dev", "nosuid", "suid", "noexec",
            "exec", "sync", "async", "dirsync", "no_remote_lock", "splice_read", "splice_write",
            "splice_move", "rw", "debug");
    private static final Set<String> FUSE_VALUES = Set.of(
            "max_write", "max_read", "max_readahead", "attr_timeout", "entry_timeout",
            "negative_timeout", "ac_attr_timeout", "fsname", "subtype", "umask", "uid", "gid",
            "intr_signal", "modules", "max_background", "congestion_threshold", "remember");

    public MountOptions {
        fuse = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fuse));
    }

    /**
     * Our defaults for {@code device}, then each {@code -o} option in order (a later one wins).
     *
     * @throws IllegalArgumentException naming the first unknown or malformed option
     */
    public static MountOptions parse(String device, List<String> options) {
        Map<String, String> fuse = new LinkedHashMap<>();
        fuse.put("big_writes", null);
        fuse.put("max_write", "131072");
        fuse.put("use_ino", null);
        fuse.put("attr_timeout", "1");
        fuse.put("entry_timeout", "1");
        fuse.put("default_permissions", null);
        fuse.put("fsname", device);
        fuse.put("subtype", "foliofs");
        fuse.put("hard_remove", null);
        boolean readOnly = false;
        Optional<Long> cacheSize = Optional.empty();
        Optional<InetSocketAddress> metrics = Optional.of(DEFAULT_METRICS);
        for (String raw : options) {
            for (String option : raw.split(",")) {
                String o = option.trim();
                if (o.isEmpty()) {
                    continue;
                }
                int eq = o.indexOf('=');
                String key = eq < 0 ? o : o.substring(0, eq);
                String value = eq < 0 ? null : o.substring(eq + 1);
                switch (key) {
                    case "ro" -> readOnly = true;
                    case "rw" -> readOnly = false;
                    case "cache_size" -> cacheSize = Optional.of(size(o, value));
                    case "metrics" -> metrics = metrics(o, value);
                    default -> {
                        if (FUSE_FLAGS.contains(key) && value == null) {
                            fuse.put(key, null);
                        } else if (FUSE_VALUES.contains(key) && value != null && !value.isEmpty()) {
                            fuse.put(key, value);
                        } else if (key.startsWith("no") && value == null
                                && fuse.containsKey(key.substring(2))) {
                            fuse.remove(key.substring(2));
                        } else {
                            throw new IllegalArgumentException("unknown mount option '" + o + "'");
                        }
                    }
                }
            }
        }
        return new MountOptions(fuse, readOnly, cacheSize, metrics);
    }

    /** The arguments for libfuse: {@code -o} followed by the comma-joined FUSE options. */
    public String[] fuseArgs() {
        List<String> parts = new ArrayList<>();
        fuse.forEach((k, v) -> parts.add(v == null ? k : k + "=" + v.replace(",", "\\,")));
        if (readOnly) {
            parts.add("ro");
        }
        return new String[] {"-o", String.join(",", parts)};
    }

    private static long size(String option, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("mount option '" + option + "' needs a size");
        }
        String v = value.toUpperCase(Locale.ROOT);
        long unit = 1;
        char last = v.charAt(v.length() - 1);
        int shift = switch (last) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        if (shift > 0) {
            v = v.substring(0, v.length() - 1);
            unit = 1L << shift;
        }
        try {
            long n = Long.parseLong(v);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("mount option '" + option + "': not a size");
        }
    }

    private static Optional<InetSocketAddress> metrics(String option, String value) {
        if ("off".equals(value)) {
            return Optional.empty();
        }
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("mount option '" + option
                    + "': expected metrics=HOST:PORT or metrics=off");
        }
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return Optional.of(new InetSocketAddress(value.substring(0, colon), port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mount option '" + option + "': bad port");
        }
    }
}
