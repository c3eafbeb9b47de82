package dev.triad.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The named profiles of simulated inference: one set of names, each meaning the same for the
 * in-process model ({@code --model all=sim:NAME}, {@link SimulatorSettings#profile}) and the
 * simulated server ({@code triad simulate-server --profile NAME}, {@code
 * ServerSettings.builder(NAME)}). A profile is a latency model ({@link LatencyModel}, plus the
 * server's scheduling) and a behaviour model (whether the oracle makes mistakes at {@link
 * SimulatorSettings}' realistic rates).
 *
 * <table>
 *   <caption>Profiles</caption>
 *   <tr><th>name</th><th>prefill overhead</th><th>per uncached prompt token</th>
 *       <th>inter-token</th><th>jitter</th><th>server: max-num-seqs / max-waiting / load
 *       factor</th><th>mistakes</th></tr>
 *   <tr><td>{@code default}</td><td>decomposer 30 ms, solver 60 ms, verifier 30 ms</td>
 *       <td>100 µs</td><td>4 / 6 / 4 ms</td><td>±20%</td><td>no limit / – / 1</td>
 *       <td>realistic rates</td></tr>
 *   <tr><td>{@code zero}</td><td>0</td><td>0</td><td>0</td><td>–</td><td>no limit / – / 1</td>
 *       <td>realistic rates</td></tr>
 *   <tr><td>{@code perfect}</td><td>0</td><td>0</td><td>0</td><td>–</td><td>no limit / – / 1</td>
 *       <td>none</td></tr>
 *   <tr><td>{@code 8b-h100}</td><td>30 ms</td><td>250 µs</td><td>12 ms</td><td>–</td>
 *       <td>16 / 1000 / 2.0</td><td>realistic rates</td></tr>
 * </table>
 *
 * <p>"No limit" is {@value #UNLIMITED} sequences and as many waiting: the in-process model has no
 * queue, so the profiles it was made for do not give the server one either. Every profile gives a
 * server replica a prefix cache of {@value #PREFIX_CACHE_BLOCKS} blocks of 16 tokens; the
 * in-process model has none, so all its prompt tokens count as uncached.
 *
 * <p>Immutable and thread-safe.
 */
public enum SimulationProfile {

    /** Realistic error rates; latency per role, depending on prompt and output length. */
    DEFAULT(
            SimulatorSettings.PROFILE_DEFAULT,
            new LatencyModel(
                    new LatencyModel.Figures(30, SimulationProfile.DEFAULT_PREFILL_PER_TOKEN_US, 4),
                    new LatencyModel.Figures(60, SimulationProfile.DEFAULT_PREFILL_PER_TOKEN_US, 6),
                    new LatencyModel.Figures(30, SimulationProfile.DEFAULT_PREFILL_PER_TOKEN_US, 4),
                    0.2),
            SimulationProfile.UNLIMITED,
            SimulationProfile.UNLIMITED,
            1,
            true),

    /** The default error rates with no latency at all: for throughput benchmarks. */
    ZERO(
            SimulatorSettings.PROFILE_ZERO,
            LatencyModel.NONE,
            SimulationProfile.UNLIMITED,
            SimulationProfile.UNLIMITED,
            1,
            true),

    /** No mistakes, no malformed replies and no latency: for tests. */
    PERFECT(
            SimulatorSettings.PROFILE_PERFECT,
            LatencyModel.NONE,
            SimulationProfile.UNLIMITED,
            SimulationProfile.UNLIMITED,
            1,
            false),

    /** A replica of an 8B model on one H100: realistic latency, 16 sequences at once. */
    H100_8B(
            SimulatorSettings.PROFILE_8B_H100,
            LatencyModel.uniform(
                    new LatencyModel.Figures(
                            SimulationProfile.H100_PREFILL_OVERHEAD_MS,
                            SimulationProfile.H100_PREFILL_PER_TOKEN_US,
                            SimulationProfile.H100_INTER_TOKEN_MS),
                    0),
            SimulationProfile.H100_MAX_NUM_SEQS,
            SimulationProfile.H100_MAX_WAITING,
            SimulationProfile.H100_LOAD_FACTOR,
            true);

    /** Sequences (and waiting requests) a server replica takes under a profile with no limit. */
    public static final int UNLIMITED = 1_000_000;

    /**
     * Prefix cache blocks per server replica (16,384 blocks = 262,144 tokens, about the KV cache an
     * 8B model has left on an 80 GB card).
     */
    public static final int PREFIX_CACHE_BLOCKS = 16_384;

    /** {@code default}: prefill per uncached prompt token, in microseconds (10,000 tokens/s). */
    public static final double DEFAULT_PREFILL_PER_TOKEN_US = 100;

    /** {@code 8b-h100}: fixed part of the time to first token, in milliseconds. */
    public static final double H100_PREFILL_OVERHEAD_MS = 30;

    /** {@code 8b-h100}: prefill time per uncached prompt token, in microseconds. */
    public static final double H100_PREFILL_PER_TOKEN_US = 250;

    /** {@code 8b-h100}: time between output tokens, in milliseconds. */
    public static final double H100_INTER_TOKEN_MS = 12;

    /** {@code 8b-h100}: sequences at once per replica. */
    public static final int H100_MAX_NUM_SEQS = 16;

    /** {@code 8b-h100}: waiting requests per replica before 429 (llm-d-inference-sim's default). */
    public static final int H100_MAX_WAITING = 1000;

    /** {@code 8b-h100}: slowdown with all sequences running. */
    public static final double H100_LOAD_FACTOR = 2.0;

    private static final List<String> NAMES = names(values());

    private final String key;
    private final LatencyModel latency;
    private final int maxNumSeqs;
    private final int maxWaiting;
    private final double loadFactor;
    private final boolean mistakes;

    SimulationProfile(
            String key,
            LatencyModel latency,
            int maxNumSeqs,
            int maxWaiting,
            double loadFactor,
            boolean mistakes) {
        this.key = key;
        this.latency = latency;
        this.maxNumSeqs = maxNumSeqs;
        this.maxWaiting = maxWaiting;
        this.loadFactor = loadFactor;
        this.mistakes = mistakes;
    }

    /** The profile's name, as in {@code sim:NAME} and {@code --profile NAME}. */
    public String key() {
        return key;
    }

    /** The latency figures per role and the jitter. */
    public LatencyModel latency() {
        return latency;
    }

    /** Server: sequences that run at once on one replica. */
    public int maxNumSeqs() {
        return maxNumSeqs;
    }

    /** Server: requests that may wait for a slot on one replica before 429. */
    public int maxWaiting() {
        return maxWaiting;
    }

    /** Server: the slowdown with all {@link #maxNumSeqs()} sequences running (1 = none). */
    public double loadFactor() {
        return loadFactor;
    }

    /** Whether the oracle makes mistakes at the realistic rates (otherwise none at all). */
    public boolean mistakes() {
        return mistakes;
    }

    /** Every profile name, in this order: {@code default, zero, perfect, 8b-h100}. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The profile of a name.
     *
     * @param what how the message names the profile, e.g. {@code simulator}
     * @param example a usage the message suggests, e.g. {@code --model all=sim:zero}
     * @throws IllegalArgumentException naming the profile, the known ones and the example
     */
    public static SimulationProfile of(String name, String what, String example) {
        String wanted = name == null ? "" : name.trim();
        for (SimulationProfile p : values()) {
            if (p.key.equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "Unknown "
                        + what
                        + " profile '"
                        + name
                        + "'; expected one of "
                        + String.join(", ", NAMES)
                        + " (e.g. "
                        + example
                        + ")");
    }

    private static List<String> names(SimulationProfile[] profiles) {
        List<String> names = new ArrayList<>();
        for (SimulationProfile p : profiles) {
            names.add(p.key);
        }
        return Collections.unmodifiableList(names);
    }
}
