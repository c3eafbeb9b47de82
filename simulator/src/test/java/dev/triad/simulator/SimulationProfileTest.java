package dev.triad.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.model.ModelBinding;
import dev.triad.model.ModelCompletion;
import dev.triad.model.ModelRequest;
import dev.triad.model.Role;
import dev.triad.simulator.server.ServerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One set of profile names, meaning the same in-process ({@code sim:NAME}) and on the server. */
class SimulationProfileTest {

    private static final long SEED = 5;
    private static final ProblemGenerator PROBLEMS = new ProblemGenerator(3);

    @Test
    void everyProfileNameIsAcceptedInProcessAndByTheServer() {
        assertThat(SimulationProfile.names())
                .containsExactly("default", "zero", "perfect", "8b-h100")
                .isEqualTo(SimulatorSettings.profiles())
                .isEqualTo(ServerSettings.profiles());
        for (String name : SimulationProfile.names()) {
            ModelBinding binding = SimulatedModelBinding.forProfile(name, SEED);
            ServerSettings server = ServerSettings.profileSettings(name);
            SimulatorSettings inProcess = SimulatorSettings.profile(name);

            assertThat(binding.describe()).isEqualTo("sim:" + name);
            assertThat(binding.settings()).containsEntry("profile", name);
            assertThat(server.profile()).isEqualTo(name);
            assertThat(server.describe()).startsWith("profile=" + name + " ");
            // The same latency figures and the same behaviour on both sides.
            assertThat(server.latency()).isEqualTo(inProcess.latency());
            assertThat(server.oracle()).isEqualTo(inProcess);
        }
    }

    @Test
    void profilesMeanWhatTheTableSays() {
        assertThat(ServerSettings.profileSettings("zero").hasLatency()).isFalse();
        assertThat(SimulatorSettings.profile("zero").hasLatency()).isFalse();
        assertThat(SimulatorSettings.profile("zero").unparsableRate())
                .isEqualTo(SimulatorSettings.DEFAULT_UNPARSABLE_RATE);
        assertThat(ServerSettings.profileSettings("perfect").oracle().verifierMissRate()).isZero();
        assertThat(ServerSettings.profileSettings("perfect").hasLatency()).isFalse();
        assertThat(ServerSettings.profileSettings("default").maxNumSeqs())
                .isEqualTo(SimulationProfile.UNLIMITED);
        SimulatorSettings h100 = SimulatorSettings.profile("8b-h100");
        for (Role role : Role.values()) {
            assertThat(h100.baseLatencyMs(role)).isEqualTo(30);
            assertThat(h100.prefillPerTokenUs(role)).isEqualTo(250);
            assertThat(h100.perTokenLatencyMs(role)).isEqualTo(12);
        }
        assertThat(h100.latencyJitter()).isZero();
        assertThat(h100.solverConceptualRate())
                .isEqualTo(SimulatorSettings.DEFAULT_SOLVER_CONCEPTUAL_RATE);
    }

    /**
     * In-process latency is the server's formula with nothing cached and no load: (prefill overhead
     * + prompt tokens × per-token prefill + (completion tokens − 1) × inter-token) × jitter, with
     * the server's figures for the profile of the same name.
     */
    @Test
    void inProcessLatencyIsTheServersFormulaWithNoCacheAndNoLoad() throws Exception {
        for (String name : SimulationProfile.names()) {
            ServerSettings server = ServerSettings.profileSettings(name);
            SimulatedModel model = SimulatedModel.forProfile(name, SEED);
            List<ModelRequest> requests = new ArrayList<>();
            List<CompletableFuture<ModelCompletion>> completions = new ArrayList<>();
            for (Role role : Role.values()) {
                for (int i = 0; i < 3; i++) {
                    ModelRequest request =
                            SimulatedModelTest.request(
                                    role,
                                    PROBLEMS.problem(i),
                                    dev.triad.reasoning.CotPurpose.WHOLE_QUESTION,
                                    0,
                                    1,
                                    0,
                                    Map.of());
                    requests.add(request);
                    completions.add(model.complete(request));
                }
            }
            for (int i = 0; i < requests.size(); i++) {
                ModelRequest request = requests.get(i);
                ModelCompletion c = completions.get(i).get(10, TimeUnit.SECONDS);

                LatencyModel.Figures f = server.latency().of(request.role());
                double nominal =
                        f.prefillOverheadMs()
                                + c.promptTokens() * f.prefillPerTokenUs() / 1000.0
                                + (c.completionTokens() - 1) * f.interTokenMs();
                double unit =
                        Draws.unit(Draws.callHash(SEED, request.context()), Oracle.SALT_JITTER);
                double jitter = 1 + server.latency().jitter() * (2 * unit - 1);
                int running = 0;
                double noLoad = 1 + (server.loadFactor() - 1) * running / server.maxNumSeqs();

                assertThat(c.cachedTokens()).isZero();
                assertThat(c.latencyMs())
                        .as("%s, %s, call %d", name, request.role(), i)
                        .isEqualTo(Math.round(nominal * jitter * noLoad));
            }
        }
    }
}
