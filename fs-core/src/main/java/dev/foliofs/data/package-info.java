/**
 * The data path seam: {@link dev.foliofs.data.FileData} is what the vfs calls for file
 * contents; {@link dev.foliofs.data.DirectFileData} is the simple implementation that reads and
 * writes the device straight through the extent map. A cached implementation is chosen with
 * {@link dev.foliofs.vfs.FsOptions#withData}.
 */
package dev.foliofs.data;
