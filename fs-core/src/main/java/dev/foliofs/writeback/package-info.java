/**
 * Writeback: dirty tracking per inode, the background flusher (by age and above a dirty
 * threshold), writer throttling at a hard limit, fsync, and the writeback pass
 * ({@link dev.foliofs.writeback.Writeback}) with its validating mapping cache
 * ({@link dev.foliofs.writeback.WritebackContext}). A pass converts UNWRITTEN space to WRITTEN
 * only after its data IO completed and the device was flushed; data IO errors are reported once
 * to the next fsync and once to the next close of the file.
 */
package dev.foliofs.writeback;
