package dev.foliofs.vfs;

import static dev.foliofs.vfs.FileSystem.ROOT_INO;
import static dev.foliofs.vfs.FsFixture.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * readdir while the directory changes between calls: an entry present for the whole listing
 * is returned exactly once; no name is ever returned twice; entries removed before the listing
 * reaches them are not returned.
 */
class ReaddirStabilityTest {

    @Property(tries = 25)
    void entriesPresentThroughoutAreReturnedExactlyOnce(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int pageSize) {
        Random random = new Random(seed);
        FsFixture f = new FsFixture();
        long dir = f.mkdir(ROOT_INO, "d", 0755);
        Set<String> stable = new HashSet<>();
        List<String> churn = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            String name = "s" + i;
            f.fs.mknod(ROOT, dir, name, 0100644, 0);
            stable.add(name);
        }
        for (int i = 0; i < 50; i++) {
            String name = "c" + i;
            f.fs.mknod(ROOT, dir, name, 0100644, 0);
            churn.add(name);
        }
        int next = 50;
        Map<String, Integer> seen = new HashMap<>();
        Set<String> removed = new HashSet<>();
        long cookie = 0;
        while (true) {
            var page = f.fs.readdir(ROOT, dir, cookie, pageSize);
            if (page.isEmpty()) {
                break;
            }
            for (DirEntry e : page) {
                seen.merge(e.name(), 1, Integer::sum);
                assertThat(removed).as("a removed entry came back").doesNotContain(e.name());
            }
            cookie = page.get(page.size() - 1).cookie();
            // change the directory between calls: create, remove, rename churn entries
            for (int k = 0; k < 3; k++) {
                int what = random.nextInt(3);
                if (what == 0 || churn.isEmpty()) {
                    String name = "c" + next++;
                    f.fs.mknod(ROOT, dir, name, 0100644, 0);
                    churn.add(name);
                } else if (what == 1) {
                    String name = churn.remove(random.nextInt(churn.size()));
                    f.fs.unlink(ROOT, dir, name);
                    removed.add(name);
                } else {
                    String name = churn.remove(random.nextInt(churn.size()));
                    String to = "c" + next++;
                    f.fs.rename(ROOT, dir, name, dir, to, 0);
                    removed.add(name);
                    churn.add(to);
                }
            }
        }
        for (String s : stable) {
            assertThat(seen.get(s)).as("times %s was returned", s).isEqualTo(1);
        }
        seen.forEach((name, times) -> assertThat(times).as(name).isEqualTo(1));
        assertThat(seen).containsKeys(".", "..");
        assertThat(dev.foliofs.fsck.namespace.NamespaceCheck.check(f.volume)).isEmpty();
    }
}
