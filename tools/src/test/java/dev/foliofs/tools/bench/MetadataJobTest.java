package dev.foliofs.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataJobTest {

    @TempDir
    Path mount;

    @Test
    void createsStatsAndUnlinksEveryFileAndLeavesNothingBehind() throws IOException {
        MetadataJob.Times times = MetadataJob.run(mount, 50, () -> false);

        assertThat(times.createSeconds()).isNotNegative();
        assertThat(times.statSeconds()).isNotNegative();
        assertThat(times.unlinkSeconds()).isNotNegative();
        try (Stream<Path> left = Files.list(mount)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void stopsAtTheNextFileWhenAskedTo() {
        AtomicInteger asked = new AtomicInteger();

        assertThatThrownBy(() -> MetadataJob.run(mount, 50, () -> asked.incrementAndGet() > 10))
                .hasMessageContaining("interrupted");
        assertThat(mount.resolve("metadata/f8")).exists();
        assertThat(mount.resolve("metadata/f9")).doesNotExist();
    }
}
