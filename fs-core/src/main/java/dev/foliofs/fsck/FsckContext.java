package dev.foliofs.fsck;

import dev.foliofs.volume.MountedVolume;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** What a pass works with: the volume, the ownership map, whether to repair, and where to report. */
public final class FsckContext {
    private final MountedVolume volume;
    private final boolean repair;
    private final OwnershipMap ownership = new OwnershipMap();
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Consumer<String> progress;

    FsckContext(MountedVolume volume, boolean repair, Consumer<String> progress) {
        this.volume = volume;
        this.repair = repair;
        this.progress = progress;
    }

    /** The volume being checked: opened read-only for a check, read-write for a repair. */
    public MountedVolume volume() {
        return volume;
    }

    /** True when problems should be repaired ({@code -y}); repairs run in {@code volume().update}. */
    public boolean repair() {
        return repair && !volume.readOnly();
    }

    public OwnershipMap ownership() {
        return ownership;
    }

    /** Reports a problem that is still there. */
    public void problem(String structure, long block, String description) {
        problems.add(new Problem(structure, block, description, false));
    }

    /** Reports a problem that this pass has repaired. */
    public void corrected(String structure, long block, String description) {
        problems.add(new Problem(structure, block, description, true));
    }

    /** Something worth saying that is not a problem (e.g. the journal was replayed). */
    public void note(String text) {
        notes.add(text);
    }

    public void progress(String text) {
        progress.accept(text);
    }

    List<Problem> problems() {
        return problems;
    }

    List<String> notes() {
        return notes;
    }
}
