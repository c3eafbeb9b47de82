package dev.triad.model.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.model.BindingSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ReplyOptions}: parsed from a spec and described into one the same way. */
class ReplyOptionsTest {

    private static final List<String> KNOWN =
            List.of("structured", "max-chars", "max-items", "max-tokens");

    @Test
    void aSpecWithoutTheOptionsHasTheDefaultsAndDescribesNone() {
        ReplyOptions options = ReplyOptions.parse(BindingSpec.parse("x", "x:t", KNOWN));

        assertThat(options).isEqualTo(ReplyOptions.DEFAULTS);
        assertThat(options.describeInto(BindingSpec.builder("x", "t")).build().toString())
                .isEqualTo("x:t");
    }

    @Test
    void theOptionsThatDifferFromTheDefaultsAreDescribedAsParsed() {
        String spec = "x:t?structured=json_object&max-tokens=7";
        ReplyOptions options = ReplyOptions.parse(BindingSpec.parse("x", spec, KNOWN));

        assertThat(options).isEqualTo(new ReplyOptions(StructuredOutput.JSON_OBJECT, 0, 0, 7));
        assertThat(options.describeInto(BindingSpec.builder("x", "t")).build().toString())
                .isEqualTo(spec);
    }

    @Test
    void anUnknownStructuredValueIsRefusedByName() {
        assertThatThrownBy(
                        () ->
                                ReplyOptions.parse(
                                        BindingSpec.parse("x", "x:t?structured=yaml", KNOWN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("structured");
    }
}
