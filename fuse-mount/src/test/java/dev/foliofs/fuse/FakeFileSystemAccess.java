package dev.foliofs.fuse;

import dev.foliofs.vfs.FileSystem;

/** Lets tests in other packages use the package-private {@link FakeFileSystem}. */
public final class FakeFileSystemAccess {
    private final FakeFileSystem fs = new FakeFileSystem();

    public FileSystem fs() {
        return fs;
    }

    public int closedCount() {
        return fs.closed.get();
    }

    public int openFileCount() {
        return fs.openFiles.get();
    }
}
