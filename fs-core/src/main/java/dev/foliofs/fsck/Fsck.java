package dev.foliofs.fsck;

import dev.foliofs.alloc.SpaceAllocator;
import dev.foliofs.btree.TreeChecker;
import dev.foliofs.core.FsException;
import dev.foliofs.device.BlockDevice;
import dev.foliofs.format.Geometry;
import dev.foliofs.format.Superblock;
import dev.foliofs.volume.MountedVolume;
import dev.foliofs.volume.VolumeOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Checks a foliofs device and, when asked, repairs what it can.
 *
 * <p>A check opens the volume read-only (a journal that needs replay is replayed into memory)
 * and writes nothing. A repair opens it read-write (so the journal is replayed onto the
 * device), repairs inside metadata operations, and closes it cleanly, which also rewrites both
 * superblocks and sets the clean flag.
 *
 * <p>Passes, in order: superblocks (primary, backup, clean flag); every tree walked with
 * {@link TreeChecker}, its nodes claimed in the {@link OwnershipMap}; the passes found through
 * {@link ServiceLoader} ({@link FsckPass}); free space: every free run claimed, a run over an
 * owned block reported (repair: the block is taken out of free space) and, if some pass claims
 * all file data, blocks nobody owns reported as leaked (repair: freed).
 */
public final class Fsck {
    private final boolean repair;
    private final Consumer<String> progress;
    private final List<FsckPass> passes;

    /** A check (or repair) with the passes found through {@link ServiceLoader}. */
    public Fsck(boolean repair, Consumer<String> progress) {
        this(repair, progress, loadPasses());
    }

    /** A check with exactly the given extra passes (tests). */
    public Fsck(boolean repair, Consumer<String> progress, List<FsckPass> passes) {
        this.repair = repair;
        this.progress = progress;
        this.passes = passes.stream().sorted(Comparator.comparingInt(FsckPass::order)).toList();
    }

    private static List<FsckPass> loadPasses() {
        List<FsckPass> found = new ArrayList<>();
        ServiceLoader.load(FsckPass.class).forEach(found::add);
        return found;
    }

    /** Checks {@code device}, which is closed afterwards. Never throws for what it finds on the device. */
    public FsckReport run(BlockDevice device) {
        List<Problem> superblockProblems = new ArrayList<>();
        Superblock.Located located;
        try {
            located = Superblock.read(device);
            checkSuperblocks(device, located, superblockProblems);
        } catch (FsException e) {
            close(device);
            return new FsckReport(List.of(), List.of(), e.getMessage());
        }
        MountedVolume volume;
        try {
            VolumeOptions options = VolumeOptions.defaults().withReadOnly(!repair).withCommitInterval(Duration.ZERO)
                    .withMetadataCacheBytes(16L << 20);
            volume = MountedVolume.openForCheck(device, options);
        } catch (FsException e) {
            close(device);
            return new FsckReport(superblockProblems, List.of(), e.getMessage());
        }
        FsckContext ctx = new FsckContext(volume, repair, progress);
        List<Problem> problems = new ArrayList<>();
        String operational = null;
        try {
            if (volume.replayedTransactions() > 0) {
                ctx.note("journal: " + volume.replayedTransactions() + " transactions (" + volume.replayedBlocks()
                        + " blocks) replayed" + (repair ? "" : " in memory"));
            }
            if (volume.freeSpaceError() != null) {
                ctx.problem("free space", -1, "free-space tree cannot be loaded: " + volume.freeSpaceError());
            }
            claimFixedAreas(ctx);
            checkTrees(ctx);
            for (FsckPass pass : passes) {
                ctx.progress("pass: " + pass.name());
                int before = ctx.ownership().conflicts().size();
                pass.run(ctx);
                List<OwnershipMap.Conflict> all = ctx.ownership().conflicts();
                for (OwnershipMap.Conflict c : all.subList(before, all.size())) {
                    ctx.problem("ownership", c.start(), c.length() + " block(s) [" + c.start() + ", " + (c.start() + c.length())
                            + ") claimed by " + c.first() + " and by " + c.second());
                }
            }
            checkFreeSpace(ctx, passes.stream().anyMatch(FsckPass::claimsFileData));
        } catch (FsException e) {
            operational = "check stopped: " + e.getMessage();
        }
        boolean closedClean = true;
        try {
            volume.close();
        } catch (FsException e) {
            closedClean = false;
            if (operational == null && repair) {
                ctx.note("repairs could not be written: " + e.getMessage());
            }
        }
        boolean fixed = repair && closedClean && volume.freeSpaceError() == null;
        for (Problem p : superblockProblems) {
            problems.add(p.corrected(fixed));
        }
        for (Problem p : ctx.problems()) {
            problems.add(p.corrected() && !closedClean ? p.corrected(false) : p);
        }
        return new FsckReport(problems, ctx.notes(), operational);
    }

    // ------------------------------------------------------------------ superblocks

    private void checkSuperblocks(BlockDevice device, Superblock.Located located, List<Problem> problems) {
        Superblock sb = located.superblock();
        Geometry g = sb.geometry();
        progress.accept("superblocks");
        if (located.fromBackup()) {
            problems.add(new Problem("superblock", 0, located.note(), false));
        } else {
            long backupBlock = g.backupSuperblock();
            try {
                byte[] raw = new byte[Superblock.SIZE];
                device.read(backupBlock * g.blockSize(), ByteBuffer.wrap(raw));
                Superblock backup = Superblock.decode(raw);
                if (!sameIdentity(backup, sb)) {
                    problems.add(new Problem("backup superblock", backupBlock, "differs from the primary: " + backup, false));
                }
            } catch (FsException | IOException e) {
                problems.add(new Problem("backup superblock", backupBlock, "unusable: " + e.getMessage(), false));
            }
        }
        if (!sb.clean()) {
            problems.add(new Problem("superblock", located.fromBackup() ? g.backupSuperblock() : 0,
                    "clean flag not set (not cleanly unmounted)", false));
        }
    }

    /**
     * Same filesystem, geometry, features and label. Roots and journal tail may differ: a crash
     * between the writes of the two copies leaves the backup one checkpoint behind, which is
     * still a consistent state (the journal from its tail was not yet reused).
     */
    private static boolean sameIdentity(Superblock a, Superblock b) {
        return a.uuid().equals(b.uuid()) && a.geometry().equals(b.geometry()) && a.features().equals(b.features())
                && a.label().equals(b.label());
    }

    // ------------------------------------------------------------------ trees

    private static void claimFixedAreas(FsckContext ctx) {
        Geometry g = ctx.volume().geometry();
        ctx.ownership().claim(0, 1, "superblock");
        ctx.ownership().claim(g.journalStart(), g.journalBlocks(), "journal");
        ctx.ownership().claim(g.backupSuperblock(), 1, "backup superblock");
    }

    private static void checkTrees(FsckContext ctx) {
        for (int owner = 1; owner <= Superblock.MAX_OWNER; owner++) {
            int o = owner;
            ctx.progress("tree " + owner);
            TreeChecker.Report report = ctx.volume().read(() -> TreeChecker.check(ctx.volume().store(), o));
            for (TreeChecker.Problem p : report.problems()) {
                ctx.problem("tree " + owner, p.blockNo(), p.description());
            }
            Geometry g = ctx.volume().geometry();
            for (long block : report.nodeBlocks()) {
                if (block < g.dataStart() || block >= g.dataEnd()) {
                    ctx.problem("tree " + owner, block, "node outside the data area");
                }
                for (OwnershipMap.Conflict c : ctx.ownership().claim(block, 1, "tree " + owner)) {
                    ctx.problem("ownership", c.start(), "block claimed by " + c.first() + " and by " + c.second());
                }
            }
        }
    }

    // ------------------------------------------------------------------ free space

    private static void checkFreeSpace(FsckContext ctx, boolean leaksKnowable) {
        ctx.progress("free space");
        MountedVolume v = ctx.volume();
        if (v.freeSpaceError() != null) {
            return;
        }
        Map<Long, Long> runs = new TreeMap<>(v.freeSpace().freeRuns());
        List<OwnershipMap.Conflict> overlaps = new ArrayList<>();
        for (Map.Entry<Long, Long> run : runs.entrySet()) {
            overlaps.addAll(ctx.ownership().claim(run.getKey(), run.getValue(), "free space"));
        }
        for (OwnershipMap.Conflict c : overlaps) {
            String what = "free run overlaps " + c.length() + " block(s) [" + c.start() + ", " + (c.start() + c.length())
                    + ") owned by " + c.first();
            if (ctx.repair() && takeOutOfFreeSpace(v, c.start(), c.length())) {
                ctx.corrected("free space", c.start(), what + "; taken out of free space");
            } else {
                ctx.problem("free space", c.start(), what);
            }
        }
        if (!leaksKnowable) {
            return;
        }
        Geometry g = v.geometry();
        for (OwnershipMap.Claim gap : ctx.ownership().unclaimed(g.dataStart(), g.dataEnd())) {
            String what = gap.length() + " block(s) [" + gap.start() + ", " + gap.end() + ") are neither free nor owned (leaked)";
            if (ctx.repair()) {
                v.update(() -> {
                    v.allocator().free(gap.start(), gap.length());
                    return null;
                });
                ctx.corrected("free space", gap.start(), what + "; freed");
            } else {
                ctx.problem("free space", gap.start(), what);
            }
        }
    }

    /** Allocates exactly {@code [start, start+length)} so it is no longer free; false if the allocator will not. */
    private static boolean takeOutOfFreeSpace(MountedVolume v, long start, long length) {
        try {
            return v.update(() -> {
                long pos = start;
                while (pos < start + length) {
                    SpaceAllocator.Extent got = v.allocator().allocate(pos, 1, start + length - pos);
                    if (got.start() != pos) {
                        throw new FsException(dev.foliofs.core.Errno.EAGAIN, "allocator gave " + got + " for block " + pos);
                    }
                    pos = got.end();
                }
                return true;
            });
        } catch (FsException e) {
            return false;
        }
    }

    private static void close(BlockDevice device) {
        try {
            device.close();
        } catch (IOException ignored) {
            // nothing was written; a failing close changes nothing for the report
        }
    }
}
