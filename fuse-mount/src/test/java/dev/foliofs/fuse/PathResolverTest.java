package dev.foliofs.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.foliofs.core.Errno;
import dev.foliofs.core.FsException;
import dev.foliofs.vfs.Caller;
import org.junit.jupiter.api.Test;

class PathResolverTest {
    private final FakeFileSystem fs = new FakeFileSystem();
    private final PathResolver paths = new PathResolver(fs);
    private final Caller c = Caller.ROOT;

    @Test
    void resolvesEachComponentFromTheRoot() {
        long a = fs.mkdir(c, 1, "a", 0755).ino();
        long b = fs.mkdir(c, a, "b", 0755).ino();
        assertThat(paths.inode(c, "/")).isEqualTo(1);
        assertThat(paths.inode(c, "/a/b")).isEqualTo(b);
        assertThat(paths.entry(c, "/a/b/new")).isEqualTo(new PathResolver.Entry(b, "new"));
        assertThat(paths.entry(c, "/top")).isEqualTo(new PathResolver.Entry(1, "top"));
    }

    @Test
    void aMissingComponentIsTheFilesystemsEnoent() {
        assertThatThrownBy(() -> paths.inode(c, "/nope/x"))
                .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }

    @Test
    void namesLongerThan255BytesAreRefusedAtTheEdge() {
        String ok = "x".repeat(255);
        String tooLong = "x".repeat(256);
        String multibyte = "é".repeat(128); // 256 bytes in UTF-8
        assertThat(paths.entry(c, "/" + ok).name()).isEqualTo(ok);
        for (String name : new String[] {tooLong, multibyte}) {
            assertThatThrownBy(() -> paths.entry(c, "/" + name))
                    .isInstanceOfSatisfying(FsException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.ENAMETOOLONG));
            assertThatThrownBy(() -> paths.inode(c, "/" + name + "/x"))
                    .isInstanceOfSatisfying(FsException.class,
                            e -> assertThat(e.errno()).isEqualTo(Errno.ENAMETOOLONG));
        }
    }

    @Test
    void aNullPathIsAnUnlinkedFileAndHasNoInodeByPath() {
        assertThatThrownBy(() -> paths.inode(c, null))
                .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }
}
