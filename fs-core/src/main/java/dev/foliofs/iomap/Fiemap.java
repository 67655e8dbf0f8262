package dev.foliofs.iomap;

import java.util.ArrayList;
import java.util.List;

/** fiemap-style query: what backs each part of a file range, built on the one iterator. */
public final class Fiemap {
    private Fiemap() {}

    /**
     * The mappings covering {@code [offset, offset + length)}, in order, adjacent ones of the
     * same kind reported as they are stored (holes included).
     */
    public static List<Mapping> query(MappingOps ops, long ino, long offset, long length) {
        List<Mapping> out = new ArrayList<>();
        MappingIter it = new MappingIter(ops, ino, offset, length, Intent.REPORT, null);
        while (it.next()) {
            out.add(it.mapping());
            it.processed(it.length());
        }
        return out;
    }
}
