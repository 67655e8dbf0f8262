package dev.foliofs.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code foliofs} command. Each subcommand is its own class; this one only gathers them
 * and turns a thrown exception into one clear line on stderr and exit code 8 (the e2fsck
 * convention for an operational error), instead of a stack trace.
 */
@Command(name = "foliofs", mixinStandardHelpOptions = true, version = "foliofs 0.1.0",
        description = "A POSIX filesystem in userspace (FUSE) on a block device or image file.",
        subcommands = {MkfsCommand.class, FsckCommand.class, InfoCommand.class, MountCommand.class,
                FsxCommand.class, BenchCommand.class, StatsCommand.class, CommandLine.HelpCommand.class})
public final class Foliofs implements Runnable {

    /** Exit status for errors that are not about the filesystem's contents. */
    public static final int OPERATIONAL_ERROR = 8;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Foliofs());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String msg = ex.getMessage() != null ? ex.getMessage() : ex.toString();
            cmd.getErr().println(cmd.getCommandName() + ": " + msg);
            if (System.getenv("FOLIOFS_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return OPERATIONAL_ERROR;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
