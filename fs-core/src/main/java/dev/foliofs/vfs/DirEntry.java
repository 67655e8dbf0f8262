package dev.foliofs.vfs;

/**
 * One readdir entry. {@code type} is the file type as the S_IFMT bits of a mode
 * (S_IFDIR = 0040000, S_IFREG = 0100000, ...; d_type is {@code type >>> 12}). {@code cookie} is the position just after this entry: passing it back to
 * {@link FileSystem#readdir} continues with the next entry even if the directory changed.
 */
public record DirEntry(String name, long ino, int type, long cookie) {
}
