package dev.foliofs.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command in a directory and captures what it says: for syscalls Java cannot make. */
public final class Shell {
    /** Exit status and combined output of a command. */
    public record Result(int exit, String output) {
    }

    private Shell() {
    }

    public static Result run(Path dir, String... command) {
        return run(dir, List.of(command));
    }

    public static Result run(Path dir, List<String> command) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code sh -c script} in {@code dir}. */
    public static Result sh(Path dir, String script) {
        return run(dir, "sh", "-c", script);
    }

    /** A python3 snippet in {@code dir}; it prints what the test checks. */
    public static Result python(Path dir, String script) {
        return run(dir, "python3", "-c", script);
    }
}
