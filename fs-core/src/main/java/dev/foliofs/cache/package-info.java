/**
 * The folio cache: {@link dev.foliofs.cache.Folio} (an aligned power-of-two run of blocks with
 * per-block uptodate and dirty bits and a lock) and {@link dev.foliofs.cache.PageCache} (every
 * cached folio by inode and offset; clean ones in a Caffeine set weighted by bytes; pinned ones
 * never evicted).
 */
package dev.foliofs.cache;
