package dev.foliofs.vfs;

/**
 * One readdir entry. {@code cookie} is the position just after this entry: passing it back to
 * {@link FileSystem#readdir} continues with the next entry even if the directory changed.
 */
public record DirEntry(String name, long ino, int type, long cookie) {
}
