package dev.foliofs.tools.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Installs the programs the bench runs (fio, losetup, mkfs.ext4, fuse2fs) with apt-get when missing. */
final class Prerequisites {

    private Prerequisites() {
    }

    /** The Debian package of each program the bench may run. */
    static final Map<String, String> PACKAGES = new LinkedHashMap<>();

    static {
        PACKAGES.put("fio", "fio");
        PACKAGES.put("losetup", "mount");
        PACKAGES.put("mkfs.ext4", "e2fsprogs");
        PACKAGES.put("fuse2fs", "fuse2fs");
    }

    /** The programs the given contenders need: fio and losetup always, plus their mkfs and mount programs. */
    static Set<String> programs(List<Contender> contenders) {
        Set<String> programs = new LinkedHashSet<>(List.of("fio", "losetup"));
        for (Contender c : contenders) {
            for (String program : List.of(c.mkfs().get(0), c.mount().get(0))) {
                if (PACKAGES.containsKey(program)) {
                    programs.add(program);
                }
            }
        }
        return programs;
    }

    /** Installs the packages of the missing programs; throws when apt-get fails. */
    static void ensure(Host host, List<Contender> contenders, Consumer<String> progress) throws IOException {
        List<String> packages = new ArrayList<>();
        for (String program : programs(contenders)) {
            if (!host.hasProgram(program)) {
                packages.add(PACKAGES.get(program));
            }
        }
        if (packages.isEmpty()) {
            return;
        }
        progress.accept("installing " + String.join(" ", packages) + " with apt-get");
        host.run(List.of("apt-get", "update", "-qq"));
        List<String> install = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq"));
        install.addAll(packages);
        host.run(install);
    }
}
