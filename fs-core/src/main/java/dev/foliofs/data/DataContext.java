package dev.foliofs.data;

import dev.foliofs.extent.ExtentMap;
import dev.foliofs.inode.InodeTable;
import dev.foliofs.volume.Volume;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/** What a {@link FileData} implementation is built from: the mounted filesystem's parts. */
public record DataContext(Volume volume, InodeTable inodes, ExtentMap extents, MeterRegistry registry, Clock clock) {
}
