package dev.triad.jobs.cli;

import dev.triad.jobs.ExitCodes;
import dev.triad.jobs.UsageException;
import dev.triad.schemas.Json;
import dev.triad.schemas.Question;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.FaultType;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code triad simulate-server}: a SIMULATED fleet of OpenAI-compatible replicas (replica i on port
 * P+i) with the latency, scheduling, prefix cache and faults of {@link ServerSettings}, and replies
 * from the simulated oracle; serves until Ctrl-C.
 */
@Command(
        name = "simulate-server",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Starts a SIMULATED OpenAI-compatible inference fleet: replica i listens on"
                    + " http://HOST:(P+i)/v1 with POST /v1/chat/completions (plain and streaming),"
                    + " GET /v1/models, GET /health and GET /metrics (Prometheus), and the same"
                    + " answers in Ollama's (POST /api/chat), Anthropic's (POST /v1/messages) and"
                    + " Gemini's (POST /v1beta/models/MODEL:generateContent) formats, not streamed."
                    + " Latency, max-num-seqs"
                    + " with a waiting queue (429 + Retry-After when full), a per-replica prefix cache"
                    + " and injected faults follow llm-d-inference-sim; replies come from Triad's"
                    + " oracle, so Triad's strategies run end to end against it. No real model is"
                    + " involved. Serves until Ctrl-C.%n",
            "Example: triad simulate-server --replicas 4 --port 8000 --profile 8b-h100%n"
        },
        footer = {
            "%nProfiles (the same as sim:NAME in --model; see README, Simulation profiles):"
                    + " 8b-h100 (max-num-seqs 16, inter-token 12 ms, prefill overhead 30 ms,"
                    + " 250 us per uncached prompt token, load factor 2.0), zero (no latency, no"
                    + " limit: for client benchmarks), perfect (zero without mistakes) and default"
                    + " (the in-process default's latency per role, no limit). Every replica has a"
                    + " prefix cache of 16384 blocks.",
            "Faults: 429,500,503,401,400 (context length),hang,reset,malformed,truncated,empty"
                    + " (the default set), and unstructured (ignores response_format; only when"
                    + " named)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "130:stopped with Ctrl-C (143 with SIGTERM), as any JVM stopped by a signal;"
                    + " replicas are closed first",
            "2:unusable options, questions file or port (the message says which and what to do)"
        })
public final class SimulateServerCommand implements Callable<Integer> {

    @Mixin StdStreams streams;

    @Option(
            names = "--replicas",
            paramLabel = "R",
            description =
                    "Replicas, each with its own port, scheduler and prefix cache. Default: ${DEFAULT-VALUE}.")
    int replicas = ServerSettings.DEFAULT_REPLICAS;

    @Option(
            names = "--port",
            paramLabel = "P",
            description = "Port of replica 0; replica i listens on P+i. Default: ${DEFAULT-VALUE}.")
    int port = ServerSettings.DEFAULT_PORT;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
    String host = ServerSettings.DEFAULT_HOST;

    @Option(
            names = "--profile",
            paramLabel = "NAME",
            description =
                    "default, zero, perfect or 8b-h100: latency, scheduling and the oracle's error rates. Default: ${DEFAULT-VALUE}.")
    String profile = ServerSettings.PROFILE_8B_H100;

    @Option(
            names = "--fault-rate",
            paramLabel = "F",
            description =
                    "Share of chat requests that get an injected fault, 0 to 1. Default: ${DEFAULT-VALUE}.")
    double faultRate = 0;

    @Option(
            names = "--faults",
            paramLabel = "LIST",
            description = "Fault types drawn from with equal chance. Default: all of them.")
    String faults;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description =
                    "Fixes the oracle's replies and which requests get faults. Default: ${DEFAULT-VALUE}.")
    long seed = ServerSettings.DEFAULT_SEED;

    @Option(
            names = "--questions",
            paramLabel = "FILE",
            description =
                    "Oracle book: Triad question JSONL with goldSteps (e.g. from triad generate), found by exact question text. Unknown questions get generic steps.")
    Path questions;

    @Option(
            names = "--model-name",
            paramLabel = "NAME",
            description = "The model /v1/models lists. Default: ${DEFAULT-VALUE}.")
    String modelName = ServerSettings.DEFAULT_MODEL_NAME;

    @Option(
            names = "--max-num-seqs",
            paramLabel = "N",
            description = "Sequences running at once per replica. Default: the profile's.")
    Integer maxNumSeqs;

    @Option(
            names = "--max-waiting",
            paramLabel = "N",
            description = "Requests that may wait per replica before 429. Default: the profile's.")
    Integer maxWaiting;

    @Option(names = "--no-prefix-cache", description = "Turn the per-replica prefix cache off.")
    boolean noPrefixCache;

    @Option(
            names = "--oracle",
            paramLabel = "PROFILE",
            description =
                    "Error rates of the oracle's replies from another profile, e.g. perfect (no mistakes). Default: the --profile's.")
    String oracle;

    @Override
    public Integer call() throws Exception {
        ServerSettings settings = settings();
        SimulatedServer server;
        try {
            server = SimulatedServer.start(settings);
        } catch (IOException e) {
            throw new UsageException(e.getMessage() + ".", e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "triad-simulate-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        banner(streams.out(), settings, server.baseUrls());
        // Returns only if the JVM is not exiting by a signal (whose exit code then wins).
        stopped.await();
        return ExitCodes.OK;
    }

    private ServerSettings settings() throws UsageException {
        try {
            ServerSettings.Builder b =
                    ServerSettings.builder(profile)
                            .replicas(replicas)
                            .port(port)
                            .host(host)
                            .faultRate(faultRate)
                            .seed(seed)
                            .modelName(modelName);
            if (oracle != null) {
                b.oracle(SimulatorSettings.profile(oracle));
            }
            if (faults != null) {
                b.faults(FaultType.parseList(faults));
            }
            if (maxNumSeqs != null) {
                b.maxNumSeqs(maxNumSeqs);
            }
            if (maxWaiting != null) {
                b.maxWaiting(maxWaiting);
            }
            if (noPrefixCache) {
                b.prefixCache(false);
            }
            if (questions != null) {
                b.questions(readQuestions(questions));
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + ".", e);
        }
    }

    /** Reads the oracle book: one Triad question per line; blank lines are skipped. */
    static List<Question> readQuestions(Path file) throws UsageException {
        List<Question> book = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line; (line = in.readLine()) != null; ) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    book.add(Json.read(line, Question.class));
                } catch (RuntimeException e) {
                    throw new UsageException(
                            "--questions "
                                    + file
                                    + " line "
                                    + number
                                    + " is not a Triad question ("
                                    + e.getMessage()
                                    + "); give JSONL with id, text and goldSteps, as triad generate"
                                    + " writes it.",
                            e);
                }
            }
        } catch (IOException e) {
            throw new UsageException(
                    "Cannot read --questions " + file + " (" + e + "); check the path.", e);
        }
        return book;
    }

    private static void banner(PrintWriter out, ServerSettings settings, List<URI> urls) {
        out.println(
                "SIMULATED OpenAI-compatible server: no real model answers here; replies come from"
                        + " Triad's oracle and latency from the "
                        + settings.profile()
                        + " profile. Accuracy measured against it is simulated.");
        out.println("settings: " + settings.describe());
        for (int i = 0; i < urls.size(); i++) {
            out.println("replica " + i + ": " + urls.get(i));
        }
        out.println(
                "endpoints: POST /v1/chat/completions, GET /v1/models, GET /health, GET /metrics;"
                        + " also POST /api/chat (Ollama), /v1/messages (Anthropic),"
                        + " /v1beta/models/MODEL:generateContent (Gemini). Serving until Ctrl-C.");
        out.flush();
    }
}
