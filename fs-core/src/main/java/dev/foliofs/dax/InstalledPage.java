package dev.foliofs.dax;

import java.nio.ByteBuffer;

/**
 * One installed page: the userspace analogue of a page-table entry for a DAX mapping. Loads
 * and stores through a mapped file go to {@code memory} without faulting while the page stays
 * installed.
 *
 * @param index     file page (= file block; a DAX page is one filesystem block)
 * @param memory    the device window of the block, or the shared read-only zero page
 * @param zeroPage  true for the shared zero page installed over a hole or unwritten block
 * @param deviceBlock the device block whose memory this is, -1 for the zero page
 * @param sequence  the extent sequence number of the mapping it was installed from
 */
public record InstalledPage(long index, ByteBuffer memory, boolean zeroPage, long deviceBlock, long sequence) {
    public static final long NO_BLOCK = -1;

    /** A store needs a page of its own: the zero page is shared and read-only. */
    public boolean writable() {
        return !zeroPage;
    }
}
