package dev.foliofs.tools;

import dev.foliofs.device.BlockDevice;
import dev.foliofs.device.Devices;
import dev.foliofs.device.OpenOptions;
import dev.foliofs.fsck.Fsck;
import dev.foliofs.fsck.FsckReport;
import dev.foliofs.fsck.Problem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code foliofs fsck [-n|-y] DEVICE}: checks (default, writes nothing) or repairs. Exit status:
 * 0 clean, 1 problems corrected, 4 problems left, 8 the check could not run.
 */
@Command(name = "fsck", mixinStandardHelpOptions = true, description = "Check (and with -y repair) a foliofs filesystem.")
public final class FsckCommand implements Callable<Integer> {

    @Option(names = "-n", description = "check only, write nothing (the default)")
    boolean noChanges;

    @Option(names = "-y", description = "repair what can be repaired")
    boolean repair;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "block device or image file")
    Path device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (noChanges && repair) {
            err.println("fsck: -n and -y exclude each other");
            return FsckReport.OPERATIONAL_ERROR;
        }
        BlockDevice dev;
        try {
            dev = Devices.open(device, OpenOptions.DEFAULT.withReadOnly(!repair).withExclusive(true));
        } catch (IOException e) {
            err.println("fsck: " + device + ": " + ErrorLine.of(e).replace(device + ": ", ""));
            return FsckReport.OPERATIONAL_ERROR;
        }
        FsckReport report = new Fsck(repair, line -> {
            out.println(device + ": checking " + line);
            out.flush();
        }).run(dev);
        if (report.operationalError() != null) {
            err.println("fsck: " + report.operationalError().replaceFirst("^[A-Z]+: ", ""));
        }
        for (String note : report.notes()) {
            out.println(device + ": " + note);
        }
        for (Problem p : report.problems()) {
            out.println(device + ": " + p);
        }
        String summary = switch (report.exitCode()) {
            case FsckReport.CLEAN -> "clean";
            case FsckReport.CORRECTED -> report.problems().size() + " problem(s), all corrected";
            case FsckReport.UNCORRECTED -> report.problems().stream().filter(p -> !p.corrected()).count()
                    + " problem(s) left uncorrected" + (repair ? "" : " (run with -y to repair)");
            default -> "check did not complete";
        };
        if (report.operationalError() == null) {
            out.println(device + ": " + summary);
        }
        return report.exitCode();
    }
}
