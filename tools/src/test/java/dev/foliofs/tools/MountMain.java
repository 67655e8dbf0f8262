package dev.foliofs.tools;

import java.util.Arrays;
import picocli.CommandLine;

/** A stand-in for the foliofs command that knows only {@code mount}: for tests in a child JVM. */
public final class MountMain {
    private MountMain() {
    }

    public static void main(String[] args) {
        String[] rest = args.length > 0 && args[0].equals("mount") ? Arrays.copyOfRange(args, 1, args.length) : args;
        System.exit(new CommandLine(new MountCommand()).execute(rest));
    }
}
