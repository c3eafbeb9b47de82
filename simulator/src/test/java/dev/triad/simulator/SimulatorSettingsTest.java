package dev.triad.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.model.Role;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class SimulatorSettingsTest {

    @Test
    void rejectsNegativeRatesNamingTheSetting() {
        assertThatThrownBy(() -> SimulatorSettings.builder().solverConceptualRate(-0.1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Simulator setting 'solver-conceptual-rate' must be a probability between 0"
                                + " and 1, but was -0.1; use e.g. 0.05 for 5%");
    }

    @Test
    void rejectsRatesAboveOneAndNaN() {
        assertThatThrownBy(() -> SimulatorSettings.builder().verifierMissRate(1.5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'verifier-miss-rate'")
                .hasMessageContaining("but was 1.5");
        assertThatThrownBy(() -> SimulatorSettings.builder().unparsableRate(Double.NaN).build())
                .hasMessageContaining("'unparsable-rate'");
    }

    @Test
    void rejectsSolverRatesThatAddUpToMoreThanOne() {
        assertThatThrownBy(
                        () ->
                                SimulatorSettings.builder()
                                        .solverComputationalRate(0.6)
                                        .solverConceptualRate(0.6)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'solver-computational-rate' + 'solver-conceptual-rate'")
                .hasMessageContaining("must be at most 1");
    }

    @Test
    void rejectsNegativeLatencyAndJitterOfOne() {
        assertThatThrownBy(() -> SimulatorSettings.builder().latency(Role.SOLVER, -1, 6).build())
                .hasMessageContaining("'solver-base-ms'")
                .hasMessageContaining("0 or more, but was -1.0");
        assertThatThrownBy(() -> SimulatorSettings.builder().latencyJitter(1).build())
                .hasMessageContaining("'latency-jitter'");
    }

    @Test
    void profilesHaveTheirDocumentedValues() {
        SimulatorSettings defaults = SimulatorSettings.profile("default");
        SimulatorSettings zero = SimulatorSettings.profile("zero");
        SimulatorSettings perfect = SimulatorSettings.profile("perfect");

        assertThat(defaults.baseLatencyMs(Role.DECOMPOSER)).isEqualTo(30);
        assertThat(defaults.perTokenLatencyMs(Role.DECOMPOSER)).isEqualTo(4);
        assertThat(defaults.baseLatencyMs(Role.SOLVER)).isEqualTo(60);
        assertThat(defaults.perTokenLatencyMs(Role.SOLVER)).isEqualTo(6);
        assertThat(defaults.baseLatencyMs(Role.VERIFIER)).isEqualTo(30);
        assertThat(defaults.latencyJitter()).isEqualTo(0.2);
        assertThat(defaults.unparsableRate()).isEqualTo(0.01);
        assertThat(defaults.hasLatency()).isTrue();

        assertThat(zero.hasLatency()).isFalse();
        assertThat(zero.solverConceptualRate()).isEqualTo(defaults.solverConceptualRate());
        assertThat(zero.verifierMissRate()).isEqualTo(defaults.verifierMissRate());

        assertThat(perfect.hasLatency()).isFalse();
        assertThat(perfect.settings())
                .containsEntry("profile", "perfect")
                .containsEntry("simulated", true)
                .containsEntry("decomposer-off-track-rate", 0.0)
                .containsEntry("solver-computational-rate", 0.0)
                .containsEntry("solver-conceptual-rate", 0.0)
                .containsEntry("verifier-miss-rate", 0.0)
                .containsEntry("verifier-false-alarm-rate", 0.0)
                .containsEntry("unparsable-rate", 0.0)
                .containsEntry("solver-base-ms", 0.0)
                .containsEntry("count-tokens", true);
        assertThat(SimulatorSettings.profiles())
                .containsExactly("default", "zero", "perfect", "8b-h100");
    }

    @Test
    void unknownProfileNamesTheKnownOnes() {
        assertThatThrownBy(() -> SimulatorSettings.profile("optimistic"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown simulator profile 'optimistic'")
                .hasMessageContaining("expected one of default, zero, perfect");
    }

    @Test
    void toBuilderKeepsTheNameAndSerialisationKeepsTheValues() throws Exception {
        SimulatorSettings tuned =
                SimulatorSettings.defaults().toBuilder().countTokens(false).build();
        assertThat(tuned.profileName()).isEqualTo("default");
        assertThat(tuned.countTokens()).isFalse();
        assertThat(SimulatorSettings.builder().build().profileName()).isEqualTo("custom");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(tuned);
        }
        Object back =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        assertThat(back).isEqualTo(tuned);
    }
}
