/**
 * Block devices: the bottom layer of foliofs.
 *
 * <p>{@link dev.foliofs.device.BlockDevice} is the one contract everything above uses.
 * {@link dev.foliofs.device.Devices#open} picks the implementation for a path:
 * <ul>
 *   <li>{@link dev.foliofs.device.FileBlockDevice} — a (sparse) image file;</li>
 *   <li>{@link dev.foliofs.device.BlockNodeDevice} — /dev/loopN, /dev/nvme0n1 ..., geometry
 *       from the kernel;</li>
 *   <li>{@link dev.foliofs.device.DirectBlockDevice} — either of those with O_DIRECT.</li>
 * </ul>
 * Around them: {@link dev.foliofs.device.AsyncBlockDevice} (a bounded submission queue),
 * {@link dev.foliofs.device.MappedWindows} (chunked memory mappings for direct access),
 * {@link dev.foliofs.device.MemoryBlockDevice} (sparse, in memory, for tests) and
 * {@link dev.foliofs.device.FaultInjectingDevice} (injected IO errors and simulated power
 * loss for crash tests). The few native calls live in {@code NativeIo}.
 */
package dev.foliofs.device;
