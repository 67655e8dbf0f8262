/**
 * The one B+tree every metadata structure uses (inodes, directory entries, extents, xattrs,
 * free space).
 *
 * <ul>
 *   <li>{@link dev.foliofs.btree.Tree}: the ordered map contract (unsigned byte-string keys).</li>
 *   <li>{@link dev.foliofs.btree.NodeStore}: where nodes live (block cache and journal); it
 *       verifies block headers and rolls failed operations back, so the tree itself keeps no
 *       state beyond its store and owner id.</li>
 *   <li>{@link dev.foliofs.btree.BTree}: the implementation, over slotted node pages
 *       ({@code NodePage} describes the layout); leaves are linked left to right for scans.
 *       Lookups read pages in place; changes either edit a leaf page in place (insert that
 *       fits, same-size value update, delete that keeps the fill) or decode the node, change
 *       it and write it back compacted, splitting, merging or redistributing on the way up.</li>
 *   <li>{@link dev.foliofs.btree.TreeChecker}: walks a tree and names the block of every
 *       structural fault; fsck uses its node list for block ownership.</li>
 * </ul>
 */
package dev.foliofs.btree;
