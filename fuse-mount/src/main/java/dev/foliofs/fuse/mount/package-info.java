/**
 * Mounting: {@link dev.foliofs.fuse.mount.MountOptions} (defaults, {@code -o} parsing, our own
 * options), {@link dev.foliofs.fuse.mount.FoliofsMount} (the lifecycle from FUSE_INIT to a
 * clean device), the Prometheus endpoint and {@link dev.foliofs.fuse.mount.MetricsAddress},
 * the rule that tells {@code foliofs stats} where a mount's metrics are.
 */
package dev.foliofs.fuse.mount;
