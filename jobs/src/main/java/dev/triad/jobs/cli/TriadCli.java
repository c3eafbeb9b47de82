package dev.triad.jobs.cli;

import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./triad} command line: {@code demo}, {@code run}, {@code cancel}, {@code generate},
 * {@code help} and more ({@code ./triad bench} is routed by the launcher script to the benchmarks
 * module).
 *
 * <p>Exit codes: 0 done, 1 a gate or check failed (later commands), 2 unusable input or options, 3
 * the job itself failed. Errors are one paragraph on stderr naming the input and the fix.
 */
@Command(
        name = "triad",
        mixinStandardHelpOptions = true,
        version = "Triad 0.1.0 (Apache Flink 2.2.1)",
        description = {
            "LM2-style reasoning (decompose, solve, verify) over streams of questions on Apache"
                    + " Flink.%n",
            "Start with: triad demo"
        },
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            CancelCommand.class,
            GenerateCommand.class,
            SimulateServerCommand.class,
            EvalCommand.class,
            CompareCommand.class,
            ExportCommand.class,
            PlanCommand.class,
            DedupeCommand.class,
            ContaminationCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "%nMore: triad help COMMAND. Benchmarks: triad bench NAME (see the benchmarks module)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done",
            "1:a gate or check failed (used by eval and compare, later)",
            "2:unusable input or options (the message says which and what to do)",
            "3:the job itself failed (see the message and out/triad.log)"
        })
public final class TriadCli implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TriadCli.class);

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits the JVM with its exit code. */
    public static void main(String[] args) {
        int code = execute(System.out, System.err, args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** Runs the command line and returns its exit code (for tests and other entry points). */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        return commandLine(out, err).execute(args);
    }

    /**
     * The configured picocli command line. Commands reach {@code out} and {@code err} through it
     * ({@link StdStreams}), never through a field of this class.
     *
     * @param out where results and summaries go
     * @param err where progress and errors go
     */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new TriadCli());
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler(TriadCli::handleExecutionException);
        cli.setParameterExceptionHandler(TriadCli::handleParameterException);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println(cli.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println(
                "See '"
                        + cli.getCommandSpec().qualifiedName()
                        + " --help' for the options and their defaults.");
        err.flush();
        return ExitCodes.USAGE;
    }

    private static int handleExecutionException(
            Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        String command = cli.getCommandSpec().qualifiedName();
        if (e instanceof UsageException) {
            err.println(command + ": " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        if (e instanceof JobFailedException) {
            err.println(command + ": " + e.getMessage());
            err.flush();
            return ExitCodes.JOB_FAILED;
        }
        LOG.error("{} failed unexpectedly", command, e);
        err.println(
                command
                        + ": failed unexpectedly: "
                        + e
                        + ". The stack trace is in the log (out/triad.log when started with"
                        + " ./triad); please report it.");
        err.flush();
        return ExitCodes.JOB_FAILED;
    }
}
