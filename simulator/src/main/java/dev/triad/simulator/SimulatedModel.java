package dev.triad.simulator;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.CallContext;
import dev.triad.model.ModelCallException;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A simulated chat model that acts as an oracle: it reads the call's {@link CallContext} (the
 * question's gold steps, the purpose and the template inputs) and answers as a decomposer, solver
 * or verifier would, making mistakes at the rates in its {@link SimulatorSettings}, so that
 * rejections and re-decompositions really happen. Its endpoint is {@code sim:<profile>}; nothing it
 * says comes from a real model, and results must say so.
 *
 * <p>Guarantees: the reply to a call is a pure function of the seed and the call's identity
 * (question id, strategy, purpose, step, attempt, retry) and inputs, whatever the order or thread
 * calls arrive on. Latency follows the {@link LatencyModel} of the settings, the same formula as
 * the simulated server's: prefill overhead + prompt tokens × per-token prefill cost + (completion
 * tokens − 1) × inter-token latency, times a deterministic jitter. This model has no prefix cache
 * and no queue, so it is the server's formula with no cached tokens and no load (a slowdown of 1).
 * With no latency the returned future is already complete. Token usage is counted with jtokkit's
 * {@code cl100k_base} (or characters / 4 when {@link SimulatorSettings#countTokens()} is off); no
 * prefix cache is simulated, so cached tokens are 0.
 *
 * <p>Threading: thread-safe and non-blocking. Delayed completions run on one daemon thread shared
 * by every simulated model in the JVM ({@value #LATENCY_THREAD_NAME}); callbacks attached without
 * an executor run there and must be short.
 */
public final class SimulatedModel implements AsyncChatModel {

    /** Name of the one thread that completes delayed futures. */
    public static final String LATENCY_THREAD_NAME = "triad-simulator-latency";

    /** Prefix of the endpoint every simulated completion names, as in {@code sim:default}. */
    public static final String ENDPOINT_PREFIX = "sim:";

    private static final int NO_CACHED_TOKENS = 0;

    /** The slowdown of the latency model with no other call running: none. */
    private static final double NO_LOAD = 1;

    private final SimulatorSettings settings;
    private final long seed;
    private final String endpoint;
    private final Oracle oracle;
    private final boolean hasLatency;

    /** A simulated model with the given behaviour; {@code seed} fixes every draw. */
    public SimulatedModel(SimulatorSettings settings, long seed) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.seed = seed;
        this.endpoint = ENDPOINT_PREFIX + settings.profileName();
        this.oracle = new Oracle(settings);
        this.hasLatency = settings.hasLatency();
    }

    /**
     * A simulated model with a named profile's settings (see {@link SimulatorSettings#profile}).
     */
    public static SimulatedModel forProfile(String profile, long seed) {
        return new SimulatedModel(SimulatorSettings.profile(profile), seed);
    }

    public SimulatorSettings settings() {
        return settings;
    }

    public long seed() {
        return seed;
    }

    /** The endpoint completions name, e.g. {@code sim:default}. */
    public String endpoint() {
        return endpoint;
    }

    /**
     * Answers one call after the simulated latency. Never blocks; a request without a context, or
     * with an unknown purpose, gives a future failed with a non-retriable {@link
     * ModelCallException}.
     */
    @Override
    public CompletableFuture<ModelCompletion> complete(ModelRequest request) {
        CallContext context = request.context();
        if (context == null) {
            return CompletableFuture.failedFuture(
                    new ModelCallException(
                            "Simulated model "
                                    + endpoint
                                    + " got a request without a CallContext; the simulator"
                                    + " answers from the context, so build the request with one",
                            false));
        }
        long h = Draws.callHash(seed, context);
        String text;
        try {
            text = oracle.reply(context, h);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(
                    new ModelCallException(
                            "Simulated model " + endpoint + " cannot answer: " + e.getMessage(),
                            false,
                            e));
        }
        boolean exact = settings.countTokens();
        int promptTokens = Tokens.count(request.messages(), exact);
        int completionTokens = Tokens.count(text, exact);
        Role role =
                request.role() != null || context.purpose() == null
                        ? request.role()
                        : context.purpose().role();
        double latencyMs = hasLatency ? latencyMs(role, promptTokens, completionTokens, h) : 0;
        if (latencyMs <= 0) {
            return CompletableFuture.completedFuture(
                    new ModelCompletion(
                            text, promptTokens, completionTokens, NO_CACHED_TOKENS, 0, endpoint));
        }
        ModelCompletion completion =
                new ModelCompletion(
                        text,
                        promptTokens,
                        completionTokens,
                        NO_CACHED_TOKENS,
                        Math.round(latencyMs),
                        endpoint);
        CompletableFuture<ModelCompletion> future = new CompletableFuture<>();
        // A caller that cancels or times out the future makes the later complete() a no-op.
        LatencyScheduler.executor()
                .schedule(
                        () -> future.complete(completion),
                        (long) (latencyMs * 1_000_000),
                        TimeUnit.NANOSECONDS);
        return future;
    }

    /**
     * The reply text the model gives for a call context, without latency or usage: the oracle on
     * its own, for the simulated HTTP server and tests.
     *
     * @throws IllegalArgumentException when the context lacks a question or names an unknown
     *     purpose
     */
    public String reply(CallContext context) {
        return oracle.reply(context, Draws.callHash(seed, context));
    }

    /**
     * The latency model's formula with every prompt token uncached and no load: this model has no
     * prefix cache and no queue.
     */
    private double latencyMs(Role role, int promptTokens, int completionTokens, long h) {
        LatencyModel latency = settings.latency();
        double factor = latency.factor(NO_LOAD, Draws.unit(h, Oracle.SALT_JITTER));
        return latency.latencyMs(role, promptTokens, completionTokens, factor);
    }

    @Override
    public String toString() {
        return "SimulatedModel[" + endpoint + ", seed " + seed + "]";
    }
}
