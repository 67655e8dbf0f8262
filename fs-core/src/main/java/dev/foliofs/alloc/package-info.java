/**
 * Free space of the data area and the allocation policy.
 *
 * <p>{@link dev.foliofs.alloc.FreeSpace} implements {@link dev.foliofs.alloc.SpaceAllocator}
 * over the free-space tree (tree id 5: start → length, runs disjoint and coalesced) with
 * in-memory indexes by start (goal-near placement) and by length (best fit). It also hands
 * out the B+tree nodes of every tree, its own included, which is why it changes only memory
 * during an operation and writes the tree at the operation's end; its class documentation
 * states the calls the volume makes at operation and transaction boundaries, and why freed
 * blocks stay busy until their transaction is durable.
 */
package dev.foliofs.alloc;
