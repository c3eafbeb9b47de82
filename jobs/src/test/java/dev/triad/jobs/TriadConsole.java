package dev.triad.jobs;

import dev.triad.jobs.cli.TriadCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@code ./triad} in this JVM for a test and keeps what it printed on stdout and stderr. */
public final class TriadConsole {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs the command line; returns its exit code. What it prints adds to {@link #out()}. */
    public int run(String... args) {
        return TriadCli.execute(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
    }

    /** Everything printed on stdout since the start or {@link #resetOut()}. */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Everything printed on stderr since the start or {@link #resetErr()}. */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Forgets what was printed on stdout. */
    public void resetOut() {
        out.reset();
    }

    /** Forgets what was printed on stderr. */
    public void resetErr() {
        err.reset();
    }
}
