package dev.foliofs.vfs;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.foliofs.volume.testing.InMemoryVolume;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * 100,000 entries in one directory: a lookup reads about as many tree nodes as in a small
 * directory (one descent of each tree), and readdir returns every entry once.
 */
class LargeDirectoryTest {
    private static final int ENTRIES = 100_000;

    private static long nodeReadsPerLookup(FsFixture f, long dir, int count) {
        long before = f.volume.nodeStore().reads();
        for (int i = 0; i < 200; i++) {
            f.fs.lookup(ROOT, dir, "entry-" + (i * 7919L % count));
        }
        return (f.volume.nodeStore().reads() - before) / 200;
    }

    @Test
    void lookupsStayLogarithmicAndReaddirSeesEveryEntryOnce() {
        FsFixture f = new FsFixture(InMemoryVolume.create(65536, 4096));
        long small = f.mkdir(ROOT_INO, "small", 0755);
        long big = f.mkdir(ROOT_INO, "big", 0755);
        for (int i = 0; i < 100; i++) {
            f.fs.mknod(ROOT, small, "entry-" + i, 0100644, 0);
        }
        for (int i = 0; i < ENTRIES; i++) {
            f.fs.mknod(ROOT, big, "entry-" + i, 0100644, 0);
        }
        long smallReads = nodeReadsPerLookup(f, small, 100);
        long bigReads = nodeReadsPerLookup(f, big, ENTRIES);
        // a B+tree of 100k 16-byte keys is a few levels deep: a lookup is a handful of node reads
        assertThat(bigReads).as("node reads per lookup in a directory of %d", ENTRIES).isLessThanOrEqualTo(8);
        assertThat(bigReads).isLessThanOrEqualTo(smallReads + 3);

        Set<String> seen = new HashSet<>();
        long cookie = 0;
        int calls = 0;
        while (true) {
            var page = f.fs.readdir(ROOT, big, cookie, 1000);
            if (page.isEmpty()) {
                break;
            }
            for (DirEntry e : page) {
                assertThat(seen.add(e.name())).as("returned twice: %s", e.name()).isTrue();
            }
            cookie = page.get(page.size() - 1).cookie();
            calls++;
        }
        assertThat(seen).hasSize(ENTRIES + 2);
        assertThat(calls).isGreaterThanOrEqualTo(100);
        assertThat(f.fs.getattr(big).nlink()).isEqualTo(2);
    }
}
