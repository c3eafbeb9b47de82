package dev.triad.jobs.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Standard output and error of the invocation a command runs in, as {@link TriadCli#commandLine}
 * set them on picocli's command line; mixed into every command ({@code @Mixin StdStreams streams}),
 * so no command holds a reference back to its parent.
 */
@Command // picocli takes a class as a mixin only when it carries an annotation of its own
final class StdStreams {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    /** Where results and summaries go. */
    PrintWriter out() {
        return command.commandLine().getOut();
    }

    /** Where progress and errors go. */
    PrintWriter err() {
        return command.commandLine().getErr();
    }
}
