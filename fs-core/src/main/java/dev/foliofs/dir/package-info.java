/**
 * Directory entries keyed by (directory, name hash, collision number): a lookup is one tree
 * descent whatever the directory's size, and every entry keeps one position for its whole
 * life, which is the readdir cookie ({@link dev.foliofs.dir.DirectoryEntries}).
 */
package dev.foliofs.dir;
