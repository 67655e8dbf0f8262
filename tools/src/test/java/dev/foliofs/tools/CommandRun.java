package dev.foliofs.tools;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** The outcome of running one subcommand in-process: exit status and what it printed. */
record CommandRun(int exit, String out, String err) {

    static CommandRun of(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CommandRun(exit, out.toString(), err.toString());
    }

    /** stderr as lines, for "one clear line" checks. */
    String[] errLines() {
        return err.isBlank() ? new String[0] : err.strip().split("\n");
    }
}
