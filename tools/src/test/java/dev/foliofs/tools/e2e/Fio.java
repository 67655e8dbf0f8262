package dev.foliofs.tools.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs fio on a job file and reads its terse (version 3) output: one line per job group with
 * group_reporting. fio must be installed (scripts/test.sh installs it): a missing fio fails
 * the test with instructions instead of skipping it.
 */
final class Fio {
    /** One job group's totals; bandwidth in KiB/s as fio reports it. */
    record Result(String job, int error, long readKiB, long readKiBps, long readIops, long writeKiB, long writeKiBps,
                  long writeIops) {

        double readMiBps() {
            return readKiBps / 1024.0;
        }

        double writeMiBps() {
            return writeKiBps / 1024.0;
        }

        String describe() {
            return String.format("%s: write %.1f MiB/s, %d IOPS (%d KiB); verify read %.1f MiB/s, %d IOPS (%d KiB)",
                    job, writeMiBps(), writeIops, writeKiB, readMiBps(), readIops, readKiB);
        }
    }

    /** What fio printed and how it exited. */
    record Run(int exit, String output, List<Result> results) {
    }

    private Fio() {
    }

    static void requireInstalled() {
        try {
            Process p = new ProcessBuilder("fio", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() == 0) {
                return;
            }
        } catch (IOException e) {
            // not on the PATH: fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("fio is not installed: the fio verification test needs it. "
                + "Run scripts/test.sh (it installs fio) or: apt-get install fio");
    }

    /** Runs {@code jobFile}; the output also goes to {@code log}. Waits at most {@code minutes}. */
    static Run run(Path jobFile, Path log, long minutes) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("fio", "--output-format=terse", "--terse-version=3", jobFile.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("fio did not finish within " + minutes + " minutes: " + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        return new Run(p.exitValue(), output, parse(output));
    }

    /**
     * Terse v3 fields (1-based): 3 job name, 5 error, 6 read KiB, 7 read KiB/s, 8 read IOPS,
     * 47 write KiB, 48 write KiB/s, 49 write IOPS.
     */
    static List<Result> parse(String terse) {
        List<Result> results = new ArrayList<>();
        for (String line : terse.split("\n")) {
            if (!line.startsWith("3;")) {
                continue;
            }
            String[] f = line.split(";");
            results.add(new Result(f[2], Integer.parseInt(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                    Long.parseLong(f[7]), Long.parseLong(f[46]), Long.parseLong(f[47]), Long.parseLong(f[48])));
        }
        return results;
    }
}
