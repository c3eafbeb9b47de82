package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.io.OutputLayout;
import dev.triad.jobs.io.RunState;
import dev.triad.jobs.local.LocalScript;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code triad run} as a child JVM, the way {@code ./triad run} starts it: killed with SIGKILL
 * mid-run and resumed with {@code --resume}; a watching run stopped with SIGTERM (what Ctrl-C does)
 * and resumed. Simulated models with the latency of the {@code 8b-h100} profile and few questions
 * in flight make a run last many one-second checkpoints. The tests wait for files (a completed
 * checkpoint, committed parts), never for a fixed time.
 */
class ResumeRunITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

    @TempDir Path dir;

    @Test
    void aRunKilledMidwayIsResumedAndAnswersEveryQuestionOnce() throws Exception {
        int questions = 40;
        Path input = dir.resolve("questions.jsonl");
        GenerateCommand.write(input, questions, 7);
        Path output = dir.resolve("out");
        OutputLayout layout = OutputLayout.in(output);
        RunState state = RunState.in(output.resolve(".triad"));
        List<String> run = runArgs(input, output, IN_FLIGHT);

        Process first = start("first", run);
        awaitOrFail(
                first,
                "first",
                () -> hasCompletedCheckpoint(state) && committedLines(layout.resultParts()) >= 4);
        long committedBefore = committedLines(layout.resultParts());
        first.destroyForcibly(); // SIGKILL to the JVM itself (no wrapper script in between)
        assertThat(first.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(first.exitValue()).isEqualTo(137);
        assertThat(state.markerFile()).exists();
        assertThat(committedBefore).isLessThan(2L * questions);

        Finished plain = runToEnd("plain", run);
        assertThat(plain.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(plain.stderr())
                .contains("holds an unfinished run, started")
                .contains("Use --resume to continue it or --overwrite to start again");

        List<String> resume = new ArrayList<>(run);
        resume.add("--resume");
        Finished resumed = runToEnd("resumed", resume);
        assertThat(resumed.exit()).as(resumed.stderr()).isEqualTo(ExitCodes.OK);
        assertThat(resumed.stderr()).contains("--resume: continuing the run started");

        Map<String, Integer> answers = countByIdAndStrategy(List.of(layout.resultsFile()));
        assertThat(answers).hasSize(2 * questions);
        assertThat(answers.values()).allMatch(n -> n == 1);
        // Questions committed before the kill were not answered again.
        Matcher done = Pattern.compile("done: (\\d+) results").matcher(resumed.stderr());
        assertThat(done.find()).as(resumed.stderr()).isTrue();
        assertThat(Long.parseLong(done.group(1)))
                .isLessThanOrEqualTo(2L * questions - committedBefore);
        assertThat(state.dir()).doesNotExist();
        assertThat(output.resolve("parts")).doesNotExist();
    }

    /**
     * --max-questions-in-flight of these runs: with parallelism 1, also the most calls in flight.
     */
    private static final int IN_FLIGHT = 8;

    @Test
    void aResumedRunMakesNoCallTheFleetHadAnsweredExceptThoseInFlightAtTheKill() throws Exception {
        int questions = 40;
        Path input = dir.resolve("questions.jsonl");
        GenerateCommand.write(input, questions, 13);
        List<Question> asked = new ArrayList<>();
        for (String line : Files.readAllLines(input)) {
            asked.add(Json.read(line, Question.class));
        }
        try (SimulatedServer fleet =
                SimulatedServer.start(
                        ServerSettings.builder(ServerSettings.PROFILE_ZERO)
                                .host("127.0.0.1")
                                .port(0)
                                .replicas(2)
                                .prefillOverheadMs(150)
                                .questions(asked)
                                .build())) {
            Path output = dir.resolve("out");
            OutputLayout layout = OutputLayout.in(output);
            RunState state = RunState.in(output.resolve(".triad"));
            List<String> run = runArgs(input, output, IN_FLIGHT);
            int model = run.indexOf("all=sim:8b-h100");
            run.set(
                    model,
                    "all=openai:"
                            + fleet.baseUrls().stream()
                                    .map(Object::toString)
                                    .collect(java.util.stream.Collectors.joining(","))
                            + "#"
                            + ServerSettings.DEFAULT_MODEL_NAME);

            Process first = start("fleet", run);
            awaitOrFail(
                    first,
                    "fleet",
                    () ->
                            hasCompletedCheckpoint(state)
                                    && committedLines(layout.resultParts()) >= 4);
            // The kill must leave replies that no completed checkpoint holds, or the journal has
            // nothing to give back: the condition above turns true as a checkpoint completes
            // (results commit with it), so wait for replies journaled after that one.
            awaitRepliesPastTheLatestCheckpoint(first, state, 2);
            first.destroyForcibly();
            assertThat(first.waitFor(1, TimeUnit.MINUTES)).isTrue();
            long answeredBefore = fleet.callsAnswered();

            List<String> resume = new ArrayList<>(run);
            resume.add("--resume");
            Finished resumed = runToEnd("fleet-resumed", resume);
            assertThat(resumed.exit()).as(resumed.stderr()).isEqualTo(ExitCodes.OK);
            Map<String, Integer> answers = countByIdAndStrategy(List.of(layout.resultsFile()));
            assertThat(answers).hasSize(2 * questions);
            assertThat(answers.values()).allMatch(n -> n == 1);

            Matcher restart =
                    Pattern.compile(
                                    "after the restart, (\\d+) replies were read back from the"
                                            + " reply journal \\(not paid again\\) and (\\d+)"
                                            + " calls")
                            .matcher(resumed.stderr());
            assertThat(restart.find()).as(resumed.stderr()).isTrue();
            long replayed = Long.parseLong(restart.group(1));
            long remade = Long.parseLong(restart.group(2));
            System.out.printf(
                    "resume over HTTP: %d calls answered before the kill, %d replayed from the"
                            + " journal, %d remade, %d answered again by the fleet%n",
                    answeredBefore, replayed, remade, fleet.callsAnsweredAgain());
            assertThat(replayed).as("replies read back from the journal").isPositive();
            // Only a call in flight at the kill (made, its reply not yet journaled) can be paid
            // twice. With parallelism 1 each of the at most IN_FLIGHT questions has one pending
            // call, so that is the bound. The operator's own count (remade) sees only questions
            // it knows from the checkpoint or the journal: a question started after the last
            // checkpoint whose first call was in flight is not among them, so remade can be one
            // or two below what the fleet counts. Without the journal every call since the last
            // checkpoint would be answered again (a dozen or more per lm2 question).
            assertThat(remade).isLessThanOrEqualTo(IN_FLIGHT);
            assertThat(fleet.callsAnsweredAgain())
                    .as(
                            "calls the fleet answered twice (the operator counted %d remade; at"
                                    + " most %d calls were in flight at the kill)",
                            remade, IN_FLIGHT)
                    .isLessThanOrEqualTo(IN_FLIGHT);
        }
    }

    @Test
    void sigtermStopsAWatchingRunWithASavepointThatResumeContinuesFrom() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("incoming"));
        Path all = dir.resolve("all.jsonl");
        GenerateCommand.write(all, 12, 11);
        List<String> lines = Files.readAllLines(all);
        addAtomically(folder.resolve("a.jsonl"), lines.subList(0, 8));
        Path output = dir.resolve("out");
        OutputLayout layout = OutputLayout.in(output);
        RunState state = RunState.in(output.resolve(".triad"));
        List<String> run = runArgs(folder, output, 4, "--watch", "--watch-interval", "1s");

        Process first = start("watch", run);
        awaitOrFail(first, "watch", () -> committedLines(layout.resultParts()) >= 16);
        first.destroy(); // SIGTERM, handled as Ctrl-C is
        assertThat(first.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String stderr = Files.readString(dir.resolve("watch.err"));
        assertThat(first.exitValue()).as(stderr).isEqualTo(ExitCodes.OK);
        assertThat(stderr).contains("stopping with a savepoint").contains("with --resume");
        assertThat(Files.readString(dir.resolve("watch.out")))
                .contains("results:      " + layout.resultParts());
        RunState.Snapshot savepoint = state.latestSnapshot().orElseThrow();
        assertThat(savepoint.savepoint()).isTrue();
        assertThat(stderr).contains("stopped with a savepoint at " + savepoint.path());
        assertThat(state.markerFile()).exists();

        addAtomically(folder.resolve("b.jsonl"), lines.subList(8, 12));
        List<String> resume = new ArrayList<>(run);
        resume.add("--resume");
        Process second = start("watch-resumed", resume);
        awaitOrFail(second, "watch-resumed", () -> committedLines(layout.resultParts()) >= 24);
        second.destroy();
        assertThat(second.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String resumedErr = Files.readString(dir.resolve("watch-resumed.err"));
        assertThat(second.exitValue()).as(resumedErr).isEqualTo(ExitCodes.OK);
        assertThat(resumedErr)
                .contains("continuing the run started")
                .contains("from its savepoint");

        Map<String, Integer> answers =
                countByIdAndStrategy(OutputLayout.committedParts(layout.resultParts()));
        assertThat(answers).hasSize(24);
        assertThat(answers.values()).allMatch(n -> n == 1);
        // Only the newest savepoint is kept.
        try (Stream<Path> savepoints = Files.list(state.savepoints())) {
            assertThat(savepoints).hasSize(1);
        }
    }

    private List<String> runArgs(Path input, Path output, int inFlight, String... extra) {
        List<String> args = new ArrayList<>();
        args.addAll(
                List.of(
                        "run",
                        "--input",
                        input.toString(),
                        "--output",
                        output.toString(),
                        "--strategies",
                        "lm2,cot",
                        "--model",
                        "all=sim:8b-h100",
                        "--checkpoint-interval",
                        "1s",
                        "--parallelism",
                        "1",
                        "--max-questions-in-flight",
                        String.valueOf(inFlight)));
        args.addAll(List.of(extra));
        return args;
    }

    /** Starts {@code TriadCli} in a child JVM, stdout and stderr to {@code NAME.out/.err}. */
    private Process start(String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx1g");
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("--add-opens") || flag.startsWith("--add-exports")) {
                command.add(flag);
            }
        }
        command.add("-Doffline=true");
        command.add(
                "-Dlog4j.configurationFile="
                        + LocalScript.repositoryRoot()
                                .resolve("jobs/src/main/launcher/log4j2-cli.properties"));
        command.add("-Dtriad.log.file=" + dir.resolve(name + ".log"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TriadCli.class.getName());
        command.addAll(args);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectOutput(dir.resolve(name + ".out").toFile())
                        .redirectError(dir.resolve(name + ".err").toFile());
        builder.environment().put("OPT_OUT_TRACKING", "true");
        return builder.start();
    }

    private record Finished(int exit, String stdout, String stderr) {}

    private Finished runToEnd(String name, List<String> args) throws Exception {
        Process process = start(name, args);
        if (!process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    name + " did not end within " + RUN_TIMEOUT + ": " + stderrOf(name));
        }
        return new Finished(
                process.exitValue(), Files.readString(dir.resolve(name + ".out")), stderrOf(name));
    }

    /** Polls {@code condition}; fails when the process ends first or the time is up. */
    private void awaitOrFail(Process process, String name, BooleanSupplier condition)
            throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError(
                        name
                                + " ended (exit "
                                + process.exitValue()
                                + ") early: "
                                + stderrOf(name));
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not get there in time: " + stderrOf(name));
            }
            Thread.sleep(100);
        }
    }

    /**
     * Waits until the reply journal ({@code STATE/checkpoints/triad-journal/**.jsonl}, one reply a
     * line) has {@code replies} more lines than when the latest completed checkpoint was first
     * seen, with no checkpoint completing in between: those replies were applied after that
     * checkpoint's snapshot, so a run resumed from it reads them back.
     */
    private void awaitRepliesPastTheLatestCheckpoint(Process process, RunState state, int replies)
            throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        Path checkpoint = null;
        Map<Path, Long> before = Map.of();
        while (true) {
            Path latest;
            try {
                latest = state.latestSnapshot().map(RunState.Snapshot::path).orElse(null);
            } catch (IOException e) {
                continue; // the job is writing a checkpoint; look again
            }
            Map<Path, Long> now = journalLines(state);
            if (latest == null || !latest.equals(checkpoint)) {
                checkpoint = latest;
                before = now;
            } else {
                long added = 0;
                for (Map.Entry<Path, Long> file : now.entrySet()) {
                    added += Math.max(0, file.getValue() - before.getOrDefault(file.getKey(), 0L));
                }
                if (added >= replies) {
                    return;
                }
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError(
                        "no replies were journaled past checkpoint " + checkpoint + " in time");
            }
            Thread.sleep(20);
        }
    }

    /** Complete lines per journal file; a file being written or deleted counts what is there. */
    private static Map<Path, Long> journalLines(RunState state) throws IOException {
        Map<Path, Long> lines = new HashMap<>();
        Path journal = state.checkpoints().resolve("triad-journal");
        if (!Files.isDirectory(journal)) {
            return lines;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(journal)) {
            files = walk.filter(f -> f.toString().endsWith(".jsonl")).toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return lines; // a file was trimmed while listed; look again
        }
        for (Path file : files) {
            try {
                byte[] bytes = Files.readAllBytes(file);
                long n = 0;
                for (byte b : bytes) {
                    if (b == '\n') {
                        n++;
                    }
                }
                lines.put(file, n);
            } catch (IOException e) {
                // trimmed after the listing: it counts as gone
            }
        }
        return lines;
    }

    private String stderrOf(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".err"));
    }

    private static boolean hasCompletedCheckpoint(RunState state) {
        try {
            return state.latestSnapshot().isPresent();
        } catch (IOException e) {
            return false; // the job is writing it; look again
        }
    }

    private static long committedLines(Path parts) {
        long lines = 0;
        try {
            for (Path part : OutputLayout.committedParts(parts)) {
                lines += Files.readAllLines(part, StandardCharsets.UTF_8).size();
            }
        } catch (IOException e) {
            return -1; // a part was renamed while listed; look again
        }
        return lines;
    }

    private static Map<String, Integer> countByIdAndStrategy(List<Path> files) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode result = JSON.readTree(line);
                counts.merge(
                        result.get("id").asText() + "/" + result.get("strategy").asText(),
                        1,
                        Integer::sum);
            }
        }
        return counts;
    }

    private static void addAtomically(Path file, List<String> lines) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName());
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
