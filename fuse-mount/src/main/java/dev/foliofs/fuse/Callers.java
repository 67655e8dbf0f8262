package dev.foliofs.fuse;

import dev.foliofs.vfs.Caller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Caller} of a request: uid, gid and pid from the FUSE context, plus the
 * supplementary groups from {@code /proc/PID/status}. Reading that file on every request
 * would cost more than the request, so groups are remembered per process for a short while
 * (a process rarely changes its groups; the kernel checks permissions too with
 * {@code default_permissions}).
 */
final class Callers {
    private static final long TTL_NANOS = 2_000_000_000L;
    private static final int MAX_REMEMBERED = 4096;
    private static final int[] NO_GROUPS = new int[0];

    private record Remembered(int uid, int gid, int[] groups, long at) {
    }

    private final ConcurrentHashMap<Integer, Remembered> byPid = new ConcurrentHashMap<>();

    Caller of(int uid, int gid, int pid) {
        if (uid == 0 || pid <= 0) {
            return new Caller(uid, gid, NO_GROUPS, pid);
        }
        long now = System.nanoTime();
        Remembered r = byPid.get(pid);
        if (r == null || r.uid != uid || r.gid != gid || now - r.at > TTL_NANOS) {
            if (byPid.size() >= MAX_REMEMBERED) {
                byPid.clear();
            }
            r = new Remembered(uid, gid, groupsOf(pid), now);
            byPid.put(pid, r);
        }
        return new Caller(uid, gid, r.groups, pid);
    }

    /** Supplementary groups of a process; none when it is gone or unreadable. */
    static int[] groupsOf(int pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
                if (line.startsWith("Groups:")) {
                    String list = line.substring("Groups:".length()).trim();
                    if (list.isEmpty()) {
                        return NO_GROUPS;
                    }
                    return Arrays.stream(list.split("\\s+")).mapToInt(Integer::parseInt).toArray();
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process may have exited already: answer with its primary group only
        }
        return NO_GROUPS;
    }
}
