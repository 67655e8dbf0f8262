package dev.foliofs.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.fuse.mount.FoliofsMount;
import dev.foliofs.fuse.mount.MountOptions;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mount is multithreaded: clients working at the same time, in their own directories and
 * in one shared directory, each see exactly their own files with their own contents.
 */
class ConcurrentClientsTest {
    private static final int CLIENTS = 6;
    private static final int FILES = 150;

    private Path image;
    private Path mnt;
    private FoliofsMount mount;

    @BeforeEach
    void setUp() throws Exception {
        image = FoliofsImages.format("concurrent", 256L << 20);
        mnt = MountPoints.fresh("concurrent");
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
    void clientsAtTheSameTimeEachSeeTheirOwnFiles() throws Exception {
        Path shared = Files.createDirectory(mnt.resolve("shared"));
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    Path own = Files.createDirectory(mnt.resolve("client" + client));
                    for (int i = 0; i < FILES; i++) {
                        String body = ("client " + client + " file " + i + "\n").repeat(1 + i % 40);
                        Path f = own.resolve("f" + i);
                        Files.writeString(f, body);
                        Files.move(f, own.resolve("g" + i));
                        Files.writeString(shared.resolve(client + "-" + i), body);
                        assertThat(Files.readString(own.resolve("g" + i))).isEqualTo(body);
                        if (i % 3 == 0) {
                            Files.delete(shared.resolve(client + "-" + i));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (int c = 0; c < CLIENTS; c++) {
            try (Stream<Path> own = Files.list(mnt.resolve("client" + c))) {
                assertThat(own.count()).isEqualTo(FILES);
            }
            for (int i = 0; i < FILES; i++) {
                String body = ("client " + c + " file " + i + "\n").repeat(1 + i % 40);
                assertThat(Files.readString(mnt.resolve("client" + c).resolve("g" + i), StandardCharsets.UTF_8))
                        .isEqualTo(body);
                assertThat(Files.exists(shared.resolve(c + "-" + i))).isEqualTo(i % 3 != 0);
            }
        }
        try (Stream<Path> all = Files.list(shared)) {
            assertThat(all.count()).isEqualTo((long) CLIENTS * (FILES - (FILES + 2) / 3));
        }
    }
}
