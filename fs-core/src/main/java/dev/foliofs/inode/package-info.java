/**
 * Inodes: records in the inodes tree ({@link dev.foliofs.inode.InodeRecord}), in-core inodes
 * with the three per-inode locks of DESIGN §5 ({@link dev.foliofs.inode.Inode}), and the table
 * that allocates inode numbers from a persisted counter, caches in-core inodes, pins open
 * ones and keeps the orphan list ({@link dev.foliofs.inode.InodeTable}).
 */
package dev.foliofs.inode;
