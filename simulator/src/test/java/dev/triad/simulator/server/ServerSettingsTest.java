package dev.triad.simulator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.model.CallContext;
import dev.triad.model.CallHeader;
import dev.triad.model.Role;
import dev.triad.reasoning.Lm2Purpose;
import dev.triad.schemas.Question;
import dev.triad.simulator.LatencyModel;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {

    @Test
    void the8bH100ProfileHasItsNamedDefaults() {
        ServerSettings s = ServerSettings.profileSettings("8b-h100");

        assertThat(s.profile()).isEqualTo("8b-h100");
        assertThat(s.maxNumSeqs()).isEqualTo(16);
        assertThat(s.interTokenMs()).isEqualTo(12);
        assertThat(s.prefillOverheadMs()).isEqualTo(30);
        assertThat(s.prefillPerTokenUs()).isEqualTo(250);
        assertThat(s.loadFactor()).isEqualTo(2.0);
        assertThat(s.prefixCache()).isTrue();
        assertThat(s.port()).isEqualTo(8000);
        assertThat(s.replicas()).isEqualTo(1);
        assertThat(s.modelName()).isEqualTo("triad-sim");
        assertThat(s.faultRate()).isZero();
        assertThat(s.hasLatency()).isTrue();
    }

    @Test
    void theZeroProfileHasNoLatencyAndRoomForAnyClient() {
        ServerSettings s = ServerSettings.profileSettings("zero");

        assertThat(s.hasLatency()).isFalse();
        assertThat(s.loadFactor()).isEqualTo(1.0);
        assertThat(s.maxNumSeqs()).isGreaterThanOrEqualTo(100_000);
    }

    @Test
    void unknownProfileNamesTheKnownOnes() {
        assertThatThrownBy(() -> ServerSettings.builder("70b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'70b'")
                .hasMessageContaining("default, zero, perfect, 8b-h100");
    }

    @Test
    void invalidSettingsNameTheSettingTheRuleAndTheFix() {
        assertThatThrownBy(() -> ServerSettings.builder().maxNumSeqs(0).build())
                .hasMessage(
                        "Simulated server setting 'max-num-seqs' must be at least 1, but was 0; use e.g. 16");
        assertThatThrownBy(() -> ServerSettings.builder().faultRate(1.5).build())
                .hasMessageContaining(
                        "'fault-rate' must be a probability between 0 and 1, but was 1.5");
        assertThatThrownBy(
                        () ->
                                ServerSettings.builder()
                                        .faultRate(0.1)
                                        .faults(EnumSet.noneOf(FaultType.class))
                                        .build())
                .hasMessageContaining("'faults' must name at least one fault type");
        assertThatThrownBy(() -> ServerSettings.builder().port(65_535).replicas(2).build())
                .hasMessageContaining("'port'")
                .hasMessageContaining("replica i listens on port + i");
        assertThatThrownBy(() -> ServerSettings.builder().loadFactor(0.5).build())
                .hasMessageContaining("'load-factor' must be a finite number of at least 1");
        assertThatThrownBy(() -> ServerSettings.builder().interTokenMs(-1).build())
                .hasMessageContaining("'inter-token-ms'");
        assertThatThrownBy(() -> ServerSettings.builder().modelName(" ").build())
                .hasMessageContaining("'model-name' must not be blank");
    }

    @Test
    void toBuilderKeepsEverySetting() {
        ServerSettings s =
                ServerSettings.builder("zero")
                        .replicas(3)
                        .faultRate(0.1)
                        .faults(FaultType.HANG)
                        .seed(9)
                        .build();

        assertThat(s.toBuilder().build()).isEqualTo(s);
    }

    @Test
    void faultListsParseByTheirCommandLineNames() {
        assertThat(FaultType.parseList("429, 500,hang,reset,malformed,truncated,empty,503,401,400"))
                .isEqualTo(FaultType.all());
        assertThatThrownBy(() -> FaultType.parseList("429,teapot"))
                .hasMessageContaining("'teapot'")
                .hasMessageContaining("429,500,503,401,400,hang,reset,malformed,truncated,empty");
        assertThatThrownBy(() -> FaultType.parseList(" , "))
                .hasMessageContaining("names no fault type");
    }

    @Test
    void whereRolesDifferARequestTakesTheLatencyOfTheRoleItsHeaderNames() {
        LatencyModel perRole = ServerSettings.profileSettings("default").latency();
        String verify =
                CallHeader.encode(
                        new CallContext(
                                Question.of("q", "Two and two?"),
                                "lm2",
                                Lm2Purpose.VERIFY,
                                1,
                                1,
                                0,
                                Map.of()));

        assertThat(ReplicaHandler.latencyRole(perRole, verify)).isEqualTo(Role.VERIFIER);
        assertThat(ReplicaHandler.latencyRole(perRole, null)).isEqualTo(Role.SOLVER);
        assertThat(perRole.of(Role.VERIFIER).prefillOverheadMs()).isEqualTo(30);
        assertThat(perRole.of(Role.SOLVER).prefillOverheadMs()).isEqualTo(60);
        assertThat(ServerSettings.profileSettings("default").describe())
                .contains("prefill-overhead-ms=decomposer:30.0,solver:60.0,verifier:30.0")
                .contains("latency-jitter=0.2");
    }
}
