package dev.triad.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.model.AsyncChatModel;
import dev.triad.model.ModelBinding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class SimulatedModelBindingTest {

    @Test
    void describesItselfAsSimulated() {
        ModelBinding binding = SimulatedModelBinding.forProfile("zero", 42);

        assertThat(binding.describe()).isEqualTo("sim:zero");
        assertThat(binding.simulated()).isTrue();
        assertThat(binding.settings())
                .containsEntry("profile", "zero")
                .containsEntry("simulated", true)
                .containsEntry("seed", 42L)
                .containsKeys("solver-conceptual-rate", "verifier-miss-rate", "solver-base-ms");
    }

    @Test
    void opensTheSameModelOnEverySubtask() {
        SimulatedModelBinding binding = SimulatedModelBinding.forProfile("default", 7);
        AsyncChatModel first = binding.open(0);
        AsyncChatModel third = binding.open(2);

        assertThat(first).isInstanceOf(SimulatedModel.class);
        assertThat(((SimulatedModel) first).seed()).isEqualTo(((SimulatedModel) third).seed());
        assertThat(((SimulatedModel) first).endpoint()).isEqualTo("sim:default");
    }

    @Test
    void unknownProfileNamesTheKnownOnes() {
        assertThatThrownBy(() -> SimulatedModelBinding.forProfile("oracle", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Unknown simulator profile 'oracle'; expected one of default, zero,"
                                + " perfect, 8b-h100 (e.g. --model all=sim:zero)");
    }

    @Test
    void survivesJavaSerialisation() throws Exception {
        SimulatedModelBinding binding = SimulatedModelBinding.forProfile("perfect", 3);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(binding);
        }
        Object back =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        assertThat(back).isEqualTo(binding);
        assertThat(((ModelBinding) back).describe()).isEqualTo("sim:perfect");
    }
}
