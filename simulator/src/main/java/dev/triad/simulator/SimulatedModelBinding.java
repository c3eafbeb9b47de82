package dev.triad.simulator;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.ModelBinding;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The binding {@code --model ROLE=sim[:profile]} resolves to: ships the simulator's settings and
 * seed with the job graph and opens a {@link SimulatedModel} per subtask. Every subtask's model
 * uses the same seed, so replies do not depend on which subtask a question lands on.
 *
 * <p>{@link #simulated()} is true and {@link #settings()} carries the simulator's settings and
 * seed, so results always say that their accuracy is simulated. Threading: immutable and
 * thread-safe.
 */
public final class SimulatedModelBinding implements ModelBinding {

    private static final long serialVersionUID = 1L;

    /** The binding prefix, as in {@code sim:default}. */
    public static final String SCHEME = "sim";

    private final SimulatorSettings simulatorSettings;
    private final long seed;

    /** A binding for simulated models with these settings and seed. */
    public SimulatedModelBinding(SimulatorSettings settings, long seed) {
        this.simulatorSettings = Objects.requireNonNull(settings, "settings");
        this.seed = seed;
    }

    /**
     * A binding for a named {@link SimulationProfile}: {@code default}, {@code zero}, {@code
     * perfect} or {@code 8b-h100}.
     *
     * @throws IllegalArgumentException naming the profile and the known ones
     */
    public static SimulatedModelBinding forProfile(String profile, long seed) {
        return new SimulatedModelBinding(SimulatorSettings.profile(profile), seed);
    }

    @Override
    public AsyncChatModel open(int subtaskIndex) {
        return new SimulatedModel(simulatorSettings, seed);
    }

    /** {@code sim:<profile>}, e.g. {@code sim:default}. */
    @Override
    public String describe() {
        return SCHEME + ":" + simulatorSettings.profileName();
    }

    @Override
    public boolean simulated() {
        return true;
    }

    /** The simulator's settings ({@link SimulatorSettings#settings()}) plus {@code seed}. */
    @Override
    public Map<String, Object> settings() {
        Map<String, Object> map = new LinkedHashMap<>(simulatorSettings.settings());
        map.put("seed", seed);
        return Collections.unmodifiableMap(map);
    }

    public SimulatorSettings simulatorSettings() {
        return simulatorSettings;
    }

    public long seed() {
        return seed;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SimulatedModelBinding
                && ((SimulatedModelBinding) other).seed == seed
                && ((SimulatedModelBinding) other).simulatorSettings.equals(simulatorSettings);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seed) * 31 + simulatorSettings.hashCode();
    }

    @Override
    public String toString() {
        return describe() + " (seed " + seed + ")";
    }
}
