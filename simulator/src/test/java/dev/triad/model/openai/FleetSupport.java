package dev.triad.model.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.openai.QuestionRunner.Outcome;
import dev.triad.schemas.Question;
import dev.triad.simulator.ProblemGenerator;
import dev.triad.simulator.SimulatorSettings;
import dev.triad.simulator.server.ReplicaStats;
import dev.triad.simulator.server.ServerSettings;
import dev.triad.simulator.server.SimulatedServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Shared set-up of the client-against-simulated-fleet tests: questions, servers, bindings. */
final class FleetSupport {

    static final long SEED = 7;

    private FleetSupport() {}

    /** Generated problems with gold steps, so the server's oracle answers them correctly. */
    static List<Question> questions(int count) {
        return new ProblemGenerator(SEED).stream(count).toList();
    }

    /**
     * A fleet with no latency, a perfect oracle that knows {@code questions}, two event-loop
     * threads and ephemeral ports.
     */
    static ServerSettings.Builder zeroFleet(int replicas, List<Question> questions) {
        return ServerSettings.builder(ServerSettings.PROFILE_ZERO)
                .port(0)
                .ioThreads(2)
                .replicas(replicas)
                .seed(SEED)
                .oracle(SimulatorSettings.profile(SimulatorSettings.PROFILE_PERFECT))
                .questions(questions);
    }

    /**
     * A {@link #zeroFleet} of one replica whose oracle puts a sentence of prose before every reply
     * ({@link #PROSE}), unless the request asks for JSON (a structured-output field).
     */
    static ServerSettings.Builder proseFleet(List<Question> questions) {
        return zeroFleet(1, questions)
                .oracle(
                        SimulatorSettings.profile(SimulatorSettings.PROFILE_PERFECT).toBuilder()
                                .fencedReplyRate(0)
                                .proseReplyRate(1)
                                .build());
    }

    /** How every reply of a {@link #proseFleet} that was not asked for JSON starts. */
    static final String PROSE = "Sure, here is my reply";

    /** A binding to every replica of the servers, with short backoffs for tests. */
    static OpenAiCompatibleBinding.Builder binding(SimulatedServer... servers) {
        List<URI> urls = new ArrayList<>();
        for (SimulatedServer server : servers) {
            urls.addAll(server.baseUrls());
        }
        return OpenAiCompatibleBinding.builder()
                .baseUrls(urls)
                .model(ServerSettings.DEFAULT_MODEL_NAME)
                .apiKey(ApiKeySource.none())
                .backoff(Duration.ofMillis(5), 2.0, 0.5, Duration.ofMillis(50));
    }

    static OpenAiCompatibleModel open(OpenAiCompatibleBinding binding) {
        return binding.open(0, name -> null);
    }

    /** Waits for every run (bounded) and returns the outcomes in question order. */
    static List<Outcome> outcomes(List<CompletableFuture<Outcome>> runs) throws Exception {
        List<Outcome> out = new ArrayList<>();
        for (CompletableFuture<Outcome> run : runs) {
            out.add(run.get(20, TimeUnit.SECONDS));
        }
        return out;
    }

    /** Chat requests a replica counted, whatever it answered. */
    static long requests(SimulatedServer server, int replica) {
        return server.stats(replica).requests();
    }

    static long[] requestsPerReplica(SimulatedServer server) {
        long[] out = new long[server.ports().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = requests(server, i);
        }
        return out;
    }

    static long totalRequests(SimulatedServer server) {
        long total = 0;
        for (long n : requestsPerReplica(server)) {
            total += n;
        }
        return total;
    }

    static long faults(SimulatedServer server) {
        long total = 0;
        for (int i = 0; i < server.ports().size(); i++) {
            ReplicaStats stats = server.stats(i);
            total += stats.faults().values().stream().mapToLong(Long::longValue).sum();
        }
        return total;
    }

    static void assertAllSolved(List<Outcome> outcomes) {
        assertThat(outcomes)
                .allSatisfy(
                        o ->
                                assertThat(o.status())
                                        .as("%s: %s", o.question().id(), o.reason())
                                        .isEqualTo(dev.triad.schemas.Status.SOLVED));
    }

    /** Waits (bounded) until {@code condition} holds: observes progress, orders nothing. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting until " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
