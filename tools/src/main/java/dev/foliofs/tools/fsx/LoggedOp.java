package dev.foliofs.tools.fsx;

/** One line of the operation log: the operation, its number and the model size around it. */
record LoggedOp(long number, Op op, long sizeBefore, long sizeAfter) {

    String describe() {
        String sizes = sizeBefore == sizeAfter
                ? String.format("size 0x%x", sizeAfter)
                : String.format("size 0x%x -> 0x%x", sizeBefore, sizeAfter);
        return String.format("%7d %-60s %s", number, op.describe(), sizes);
    }
}
