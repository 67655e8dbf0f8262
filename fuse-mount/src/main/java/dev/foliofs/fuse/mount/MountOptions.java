package dev.foliofs.fuse.mount;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import dev.foliofs.cache.DataOptions;
import dev.foliofs.cache.MemoryBudget;
import dev.foliofs.device.DeviceIo;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The options of one mount: the FUSE options handed to libfuse (our defaults, overridden by
 * {@code -o}) and foliofs' own: {@code ro}, {@code cache_size=SIZE}, {@code metrics=HOST:PORT}
 * or {@code metrics=off}. Unknown options are refused here, before anything is mounted.
 *
 * <p>Defaults and why: {@code big_writes,max_write=131072} (fewer, larger write requests),
 * {@code use_ino} (stat shows our inode numbers), {@code attr_timeout=1},
 * {@code entry_timeout=60,negative_timeout=60} (see below),
 * {@code default_permissions} (the kernel checks modes too), {@code fsname=DEVICE},
 * {@code subtype=foliofs}, {@code hard_remove} (unlinked open files keep working through
 * their handle instead of being renamed to .fuse_hidden*). A default is switched off with
 * {@code no} before its name ({@code nohard_remove}). {@code kernel_readahead=SIZE} (default
 * 1M, 0 keeps the kernel's own) is the kernel's read-ahead window for the mount's files
 * ({@link KernelReadahead}). {@code read_request=SIZE} (default 1M, at most 1M, at least 4K) is
 * the largest read the kernel may ask for in one request.
 *
 * <p>Names (and their absence) may be cached long because every change of a name goes through
 * this mount's kernel: the device is opened exclusively, and the kernel updates its own name
 * cache on create, unlink and rename. A cached name saves the lookup that would otherwise
 * precede every unlink or stat of a name older than the timeout. Attributes stay at one
 * second: a hard link is a separate node to libfuse 2's high-level API, so a change made
 * through one name (chmod, a write) is seen through another only when its attributes expire.
 *
 * @param fuse        the FUSE options in order, a null value for a flag
 * @param readOnly    mount read-only: nothing is written to the device
 * @param dax         direct access: file data read and written in place in the memory-mapped
 *                    device, no page cache
 * @param data        the data path's tunables ({@code cache_size=}, {@code dirty_background=},
 *                    {@code dirty_limit=}, {@code writeback_age=}, {@code flushers=},
 *                    {@code max_folio=}, {@code readahead=}; see {@link DataOptions})
 * @param metrics     where to serve metrics; empty when {@code metrics=off}
 * @param kernelReadahead the kernel's read-ahead window for the mount, bytes; 0 leaves it alone
 * @param readRequest the largest read request the kernel may send, bytes, a multiple of 4 KiB:
 *                    the kernel's own limit is 128 KiB, above it the mount asks for more at
 *                    FUSE_INIT (see {@code LargeReadRequests})
 * @param deviceIo    {@code device_io=direct_reads} (the default): the device is read with
 *                    O_DIRECT, so what is read is cached once, in foliofs's own caches; small
 *                    writes go through the host's page cache, which takes scattered blocks at
 *                    memory speed and writes them back sorted, and writes of 64 KiB or more
 *                    with O_DIRECT (fsync and the journal flush both as always);
 *                    {@code device_io=direct}: O_DIRECT both ways;
 *                    {@code device_io=buffered}: the page cache both ways. A DAX mount maps the
 *                    device through the page cache and is always buffered.
 */
public record MountOptions(Map<String, String> fuse, boolean readOnly, boolean dax, DataOptions data,
                           Optional<InetSocketAddress> metrics, long kernelReadahead, long readRequest,
                           DeviceIo deviceIo) {

    /** The kernel read-ahead window when none is given. */
    public static final long DEFAULT_KERNEL_READAHEAD = 1L << 20;

    /** The largest read request when none is given: the kernel's default limit is 256 pages. */
    public static final long DEFAULT_READ_REQUEST = 1L << 20;
    private static final long PAGE = 4096;

    /** The metrics address when none is given: loopback, any free port. */
    public static final InetSocketAddress DEFAULT_METRICS = new InetSocketAddress("127.0.0.1", 0);

    private static final Set<String> FUSE_FLAGS = Set.of(
            "big_writes", "use_ino", "readdir_ino", "default_permissions", "hard_remove",
            "allow_other", "allow_root", "auto_unmount", "kernel_cache", "auto_cache",
            "noauto_cache", "direct_io", "async_read", "sync_read", "atomic_o_trunc", "nonempty",
            "intr", "noatime", "atime", "relatime", "nodev", "dev", "nosuid", "suid", "noexec",
            "exec", "sync", "async", "dirsync", "no_remote_lock", "splice_read", "splice_write",
            "splice_move", "rw", "debug");
    /** Options of the cached data path, handed to {@link DataOptions#with}. */
    private static final Set<String> DATA_VALUES = Set.of(
            "cache_size", "dirty_background", "dirty_limit", "writeback_age", "flushers", "max_folio",
            "readahead");
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
        fuse.put("entry_timeout", "60");
        fuse.put("negative_timeout", "60");
        fuse.put("default_permissions", null);
        fuse.put("fsname", device);
        fuse.put("subtype", "foliofs");
        fuse.put("hard_remove", null);
        boolean readOnly = false;
        boolean dax = false;
        DataOptions data = DataOptions.defaults();
        Optional<InetSocketAddress> metrics = Optional.of(DEFAULT_METRICS);
        long kernelReadahead = DEFAULT_KERNEL_READAHEAD;
        long readRequest = DEFAULT_READ_REQUEST;
        DeviceIo deviceIo = DeviceIo.DIRECT_READS;
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
                    case "dax" -> dax = true;
                    case "rw" -> readOnly = false;
                    case "cache_size", "dirty_background", "dirty_limit", "writeback_age", "flushers",
                            "max_folio", "readahead" -> data = data(data, o, key, value);
                    case "metrics" -> metrics = metrics(o, value);
                    case "kernel_readahead" -> kernelReadahead = kernelReadahead(o, value);
                    case "read_request" -> readRequest = readRequest(o, value);
                    case "device_io" -> deviceIo = deviceIo(o, value);
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
        MemoryBudget.current().check(data);
        return new MountOptions(fuse, readOnly, dax, data, metrics, kernelReadahead, readRequest,
                dax ? DeviceIo.BUFFERED : deviceIo);
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

    /** {@code data} with one more data-path option, or a clear error naming the option. */
    private static DataOptions data(DataOptions data, String option, String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("mount option '" + option + "' needs a value");
        }
        try {
            return data.with(Map.of(key, value));
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new IllegalArgumentException("mount option '" + option + "': not a valid value");
        }
    }

    private static DeviceIo deviceIo(String option, String value) {
        try {
            return DeviceIo.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mount option '" + option + "': " + e.getMessage());
        }
    }

    private static long kernelReadahead(String option, String value) {
        try {
            long bytes = DataOptions.size(value == null ? "" : value);
            if (bytes < 0) {
                throw new NumberFormatException();
            }
            return bytes;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mount option '" + option + "': expected a size such as 1M, or 0");
        }
    }

    private static long readRequest(String option, String value) {
        long bytes;
        try {
            bytes = DataOptions.size(value == null ? "" : value);
        } catch (NumberFormatException e) {
            bytes = -1;
        }
        if (bytes < PAGE || bytes > DEFAULT_READ_REQUEST || bytes % PAGE != 0) {
            throw new IllegalArgumentException("mount option '" + option
                    + "': expected a multiple of 4K from 4K to 1M");
        }
        return bytes;
    }

    /** {@link #readRequest} in pages of 4 KiB. */
    public int readRequestPages() {
        return (int) (readRequest / PAGE);
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
