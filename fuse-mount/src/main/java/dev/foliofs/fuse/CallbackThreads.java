package dev.foliofs.fuse;

import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps libfuse's worker threads attached to the JVM between requests.
 *
 * <p>libfuse calls every operation on one of its own native worker threads. jffi attaches such
 * a thread to the JVM for the call and detaches it afterwards, so each FUSE request creates and
 * destroys a {@link Thread} (measured: one thread start per request, the largest single cost of
 * small requests). jffi stops detaching a thread once it has attached it
 * {@code THREAD_ATTACH_THRESHOLD} (1000) times, and then detaches it when the native thread
 * exits (its thread-data destructor). {@link #keepAttached()} raises that per-thread count to the
 * threshold on the first request a thread serves, so from its second request on the worker stays
 * attached, exactly as jffi would have after 1000 requests.
 *
 * <p>This reaches into jffi's thread data ({@code struct ThreadData {int error; int attach_count;
 * JavaVM* attached_vm; ...}}, found through its {@code jffi_threadDataKey}); the layout was
 * checked against the jffi version named in {@link #KNOWN_JFFI}, so any other version, another
 * architecture or any surprise leaves jffi alone (requests still work, only slower).
 */
public final class CallbackThreads {
    /** The jffi version whose thread-data layout this class knows. */
    static final String KNOWN_JFFI = "1.3.13";
    private static final int ATTACH_THRESHOLD = 1000;
    private static final int ATTACH_COUNT_OFFSET = 4;
    private static final int ATTACHED_VM_OFFSET = 8;
    private static final Logger log = LoggerFactory.getLogger(CallbackThreads.class);

    /** pthread_getspecific from libc. */
    public interface LibC {
        Pointer pthread_getspecific(int key);
    }

    /** True on a Java thread object once its native thread was told to stay attached. */
    private static final ThreadLocal<Boolean> DONE = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final CallbackThreads INSTANCE = create();

    private final LibC libc;
    private final int key;

    private CallbackThreads(LibC libc, int key) {
        this.libc = libc;
        this.key = key;
    }

    /** Whether worker threads are kept attached (false: jffi version or platform not known). */
    public static boolean enabled() {
        return INSTANCE != null;
    }

    /**
     * Called at the start of every FUSE operation: on a worker thread jffi would detach after
     * this call, asks jffi to keep it attached from the next call on. A thread already kept
     * attached (the same {@link Thread} object across calls) costs one thread-local read.
     */
    public static void keepAttached() {
        if (INSTANCE == null || DONE.get()) {
            return;
        }
        DONE.set(Boolean.TRUE);
        INSTANCE.raiseAttachCount();
    }

    private void raiseAttachCount() {
        Pointer data = libc.pthread_getspecific(key);
        if (data == null || data.address() == 0) {
            return; // not a thread jffi attached (a Java thread): nothing to keep
        }
        long td = data.address();
        MemoryIO io = MemoryIO.getInstance();
        int count = io.getInt(td + ATTACH_COUNT_OFFSET);
        long vm = io.getAddress(td + ATTACHED_VM_OFFSET);
        if (vm == 0 && count >= 0 && count < ATTACH_THRESHOLD) {
            io.putInt(td + ATTACH_COUNT_OFFSET, ATTACH_THRESHOLD);
        }
    }

    private static CallbackThreads create() {
        try {
            if (!"Linux".equals(System.getProperty("os.name"))
                    || !"amd64".equals(System.getProperty("os.arch"))
                    || !KNOWN_JFFI.equals(jffiVersion())) {
                log.debug("FUSE worker threads detach after each request (jffi {} on {})", jffiVersion(),
                        System.getProperty("os.arch"));
                return null;
            }
            long keyAddress = keyAddress();
            if (keyAddress == 0) {
                return null;
            }
            int key = MemoryIO.getInstance().getInt(keyAddress);
            LibC libc = LibraryLoader.create(LibC.class).load("c");
            return new CallbackThreads(libc, key);
        } catch (RuntimeException | LinkageError | IOException e) {
            log.debug("FUSE worker threads detach after each request", e);
            return null;
        }
    }

    /**
     * The address of jffi's {@code jffi_threadDataKey} in this process: the symbol's value in
     * the library image shipped in jffi's native jar, plus the address where this process mapped
     * that library (jffi extracts it to a temporary file, deleted once loaded, so it cannot be
     * opened again by name). 0 when the mapped library is not that image.
     */
    private static long keyAddress() throws IOException {
        byte[] image;
        try (InputStream in = Library.class.getResourceAsStream("/jni/x86_64-Linux/libjffi-1.2.so")) {
            if (in == null) {
                return 0;
            }
            image = in.readAllBytes();
        }
        long symbol = ElfSymbols.value(image, "jffi_threadDataKey");
        MemoryIO io = MemoryIO.getInstance(); // loads the native library if nothing did yet
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[5].contains("jffi") && Long.parseLong(f[2], 16) == 0) {
                long base = Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
                for (int i = 0; i < 64; i++) { // the ELF header: the same image?
                    if (io.getByte(base + i) != image[i]) {
                        return 0;
                    }
                }
                return symbol <= 0 || symbol >= image.length + (1L << 20) ? 0 : base + symbol;
            }
        }
        return 0;
    }

    private static String jffiVersion() {
        try (InputStream in = Library.class.getResourceAsStream(
                "/META-INF/maven/com.github.jnr/jffi/pom.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
