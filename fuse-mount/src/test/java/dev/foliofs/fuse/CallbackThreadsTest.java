package dev.foliofs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.fuse.mount.FoliofsMount;
import dev.foliofs.fuse.mount.MountOptions;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * libfuse's worker threads stay attached to the JVM between requests: a run of requests from
 * one client does not start a Java thread per request.
 */
class CallbackThreadsTest {
    private static final int REQUESTS = 400;

    private Path image;
    private Path mnt;
    private FoliofsMount mount;

    @BeforeEach
    void setUp() throws Exception {
        image = FoliofsImages.format("callback-threads", 64L << 20);
        mnt = MountPoints.fresh("callback-threads");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        mount = FoliofsMount.mount(FoliofsImages.open(image, false, registry), mnt,
                MountOptions.parse(image.toString(), List.of("metrics=off")), registry);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            mount.close();
        } finally {
            MountPoints.forceUnmount(mnt);
            Files.deleteIfExists(image);
        }
    }

    @Test
    void theJffiThisBuildShipsIsTheOneWhoseThreadDataIsKnown() {
        assertThat(CallbackThreads.enabled()).isTrue();
    }

    @Test
    void requestsInARowReuseTheWorkerThreads() throws Exception {
        Path f = Files.writeString(mnt.resolve("f"), "x");
        Files.getLastModifiedTime(f); // the workers that will serve the run exist and served once
        long before = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
        for (int i = 0; i < REQUESTS; i++) {
            assertThat(Files.exists(mnt.resolve("missing" + i))).isFalse();
            assertThat(Files.size(f)).isEqualTo(1);
        }
        long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - before;
        // without keeping workers attached every request (at least 2 * REQUESTS) starts a thread
        assertThat(started).isLessThan(REQUESTS / 4);
    }
}
