package dev.triad.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BindingSpecTest {

    private static final List<String> KNOWN = List.of("attempts", "timeout", "stream", "mode");

    private static BindingSpec parse(String spec) {
        return BindingSpec.parse("test", spec, KNOWN);
    }

    @Test
    void splitsSchemeTargetAndParameters() {
        BindingSpec spec = parse("test:http://h:1/v1#m?Attempts= 3 &timeout=2min&&stream");

        assertThat(spec.scheme()).isEqualTo("test");
        assertThat(spec.target()).isEqualTo("http://h:1/v1#m");
        assertThat(spec.parameters())
                .containsExactly(
                        Map.entry("attempts", "3"),
                        Map.entry("timeout", "2min"),
                        Map.entry("stream", ""));
        assertThat(parse("target").parameters()).isEmpty();
        assertThat(parse("target").target()).isEqualTo("target");
    }

    @Test
    void unknownParametersAreRefusedListingTheKnownOnes() {
        assertThatThrownBy(() -> parse("t?colour=red"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown parameter 'colour'; test: bindings take attempts, timeout, stream"
                                + " and mode");
    }

    @Test
    void typedValuesOrTheirFallbacks() {
        BindingSpec spec = parse("t?attempts=7&timeout=1500ms&stream=TRUE&mode=Fast");

        assertThat(spec.integer("attempts", 1)).isEqualTo(7);
        assertThat(spec.whole("attempts", 1)).isEqualTo(7L);
        assertThat(spec.number("attempts", 1)).isEqualTo(7.0);
        assertThat(spec.duration("timeout", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
        assertThat(spec.bool("stream", false)).isTrue();
        assertThat(spec.choice("mode", "slow", List.of("slow", "fast"), s -> s)).isEqualTo("fast");

        BindingSpec empty = parse("t");
        assertThat(empty.integer("attempts", 5)).isEqualTo(5);
        assertThat(empty.duration("timeout", Duration.ofSeconds(3))).hasSeconds(3);
        assertThat(empty.bool("stream", true)).isTrue();
        assertThat(empty.string("mode", "x")).isEqualTo("x");
        assertThat(empty.has("mode")).isFalse();
    }

    @Test
    void badValuesNameTheSchemeTheParameterTheRuleAndAFix() {
        assertThatThrownBy(() -> parse("t?attempts=many").integer("attempts", 5))
                .hasMessage(
                        "test: attempts must be a whole number, was 'many'; write e.g. attempts=5");
        assertThatThrownBy(() -> parse("t?attempts=lots").number("attempts", 1.5))
                .hasMessage("test: attempts must be a number, was 'lots'; write e.g. attempts=1.5");
        assertThatThrownBy(
                        () -> parse("t?timeout=soon").duration("timeout", Duration.ofSeconds(30)))
                .hasMessage(
                        "test: timeout must be a duration such as 30s, 500ms or 2min, was 'soon';"
                                + " write e.g. timeout=30s");
        assertThatThrownBy(() -> parse("t?stream=yes").bool("stream", false))
                .hasMessage(
                        "test: stream must be true or false, was 'yes'; write e.g. stream=true");
        assertThatThrownBy(
                        () ->
                                parse("t?mode=medium")
                                        .choice("mode", "slow", List.of("slow", "fast"), s -> s))
                .hasMessage(
                        "test: mode must be one of [slow, fast], was 'medium'; write e.g."
                                + " mode=slow");
    }

    @Test
    void durationsReadFlinksUnits() {
        assertThat(BindingSpec.parseDuration("250")).isEqualTo(Duration.ofMillis(250));
        assertThat(BindingSpec.parseDuration("30 s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(BindingSpec.parseDuration("2min")).isEqualTo(Duration.ofMinutes(2));
        assertThat(BindingSpec.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(BindingSpec.parseDuration("3 seconds")).isEqualTo(Duration.ofSeconds(3));
        assertThat(BindingSpec.parseDuration("5us")).isEqualTo(Duration.ofNanos(5000));
        assertThatThrownBy(() -> BindingSpec.parseDuration("s10"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BindingSpec.parseDuration("10 fortnights"))
                .hasMessageContaining("unknown unit 'fortnights'");
        assertThat(BindingSpec.format(Duration.ofMinutes(2))).isEqualTo("2min");
        assertThat(BindingSpec.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(BindingSpec.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void theCanonicalSpecShowsNonDefaultsAndNoSecrets() {
        BindingSpec spec =
                BindingSpec.builder("test", "http://user:sk-secret@h:1/v1")
                        .paramUnlessDefault("attempts", 5, 5)
                        .paramUnlessDefault(
                                "timeout", Duration.ofSeconds(30), Duration.ofMinutes(1))
                        .param("base", "https://k:sk-other@h2")
                        .build();

        assertThat(spec.toString())
                .isEqualTo("test:http://***@h:1/v1?timeout=30s&base=https://***@h2")
                .doesNotContain("sk-");
        assertThat(BindingSpec.builder("test", "t").build().toString()).isEqualTo("test:t");
    }

    @Test
    void specsAreEqualByValue() {
        assertThat(parse("t?attempts=3&timeout=1s"))
                .isEqualTo(parse("test:t?ATTEMPTS=3&timeout=1s"));
        assertThat(parse("t?attempts=3&timeout=1s").hashCode())
                .isEqualTo(parse("t?attempts=3&timeout=1s").hashCode());
        assertThat(parse("t?attempts=3")).isNotEqualTo(parse("t?attempts=4"));
        assertThat(parse("t?attempts=3")).isNotEqualTo(parse("u?attempts=3"));
    }
}
