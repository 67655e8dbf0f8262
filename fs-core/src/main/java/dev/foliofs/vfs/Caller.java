package dev.foliofs.vfs;

/**
 * Who asks: the credentials every permission check is made against (from the FUSE context).
 * {@code groups} are the supplementary groups; may be empty when unknown.
 */
public record Caller(int uid, int gid, int[] groups, int pid) {
    public static final Caller ROOT = new Caller(0, 0, new int[0], 0);

    public boolean isRoot() {
        return uid == 0;
    }

    public boolean inGroup(int g) {
        if (g == gid) {
            return true;
        }
        for (int x : groups) {
            if (x == g) {
                return true;
            }
        }
        return false;
    }
}
