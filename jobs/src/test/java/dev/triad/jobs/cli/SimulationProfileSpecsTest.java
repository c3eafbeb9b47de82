package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.ModelBinding;
import dev.triad.model.Role;
import dev.triad.simulator.SimulationProfile;
import dev.triad.simulator.server.ServerSettings;
import org.junit.jupiter.api.Test;

/** Every simulation profile is a valid {@code sim:NAME} and a valid {@code --profile NAME}. */
class SimulationProfileSpecsTest {

    @Test
    void everyProfileIsASimSpecAndAServerProfile() throws UsageException {
        for (String name : SimulationProfile.names()) {
            ModelBinding binding = ModelSpecs.parse(Role.SOLVER, "sim:" + name + "?seed=3");

            assertThat(binding.describe()).isEqualTo("sim:" + name);
            assertThat(binding.settings()).containsEntry("profile", name);
            assertThat(ServerSettings.profileSettings(name).profile()).isEqualTo(name);
        }
    }
}
