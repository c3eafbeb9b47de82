package dev.triad.jobs.export;

import dev.triad.jobs.UsageException;
import dev.triad.model.Role;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The training-data formats {@code triad export} writes, each as its documentation defines it:
 *
 * <ul>
 *   <li>{@code openai-sft}: OpenAI supervised fine-tuning, chat {@code messages} with a {@code
 *       weight} on the assistant message (platform.openai.com/docs/guides/supervised-fine-tuning);
 *   <li>{@code trl-sft}: TRL conversational prompt-completion, {@code prompt} and {@code
 *       completion} message lists (huggingface.co/docs/trl/dataset_formats);
 *   <li>{@code trl-prm}: TRL stepwise supervision, {@code prompt}, {@code completions} (the steps)
 *       and {@code labels} (one boolean per step);
 *   <li>{@code trl-dpo}: TRL conversational preference, {@code prompt}, {@code chosen}, {@code
 *       rejected};
 *   <li>{@code openai-dpo}: OpenAI preference fine-tuning, {@code input.messages}, {@code
 *       preferred_output}, {@code non_preferred_output}
 *       (platform.openai.com/docs/guides/direct-preference-optimization);
 *   <li>{@code trl-kto}: TRL conversational unpaired preference, {@code prompt}, {@code
 *       completion}, {@code label};
 *   <li>{@code demonstrations}: not training data but a demonstration pool for {@code run
 *       --demonstrations}: one line per result in Triad's question format ({@code id}, {@code
 *       text}, {@code gold} = the final answer, {@code goldSteps} = the accepted steps'
 *       subquestions and answers), read with the {@code triad} mapping.
 * </ul>
 *
 * <p>Every example also carries Triad's {@code metadata} object (question id, step, simulated,
 * ...).
 */
public enum ExportFormat {
    OPENAI_SFT(EnumSet.allOf(Role.class)),
    TRL_SFT(EnumSet.allOf(Role.class)),
    TRL_PRM(EnumSet.of(Role.DECOMPOSER)),
    TRL_DPO(EnumSet.of(Role.DECOMPOSER)),
    OPENAI_DPO(EnumSet.of(Role.DECOMPOSER)),
    TRL_KTO(EnumSet.of(Role.DECOMPOSER)),
    DEMONSTRATIONS(EnumSet.of(Role.DECOMPOSER));

    private final Set<Role> roles;

    ExportFormat(Set<Role> roles) {
        this.roles = roles;
    }

    /** The name on the command line, e.g. {@code trl-dpo}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The roles whose calls this format can be made from. */
    public Set<Role> roles() {
        return roles;
    }

    /**
     * The format named {@code key}.
     *
     * @throws UsageException naming the value and the formats there are
     */
    public static ExportFormat parse(String key, String option) throws UsageException {
        for (ExportFormat format : values()) {
            if (format.key().equals(key)) {
                return format;
            }
        }
        throw new UsageException(
                option
                        + " "
                        + key
                        + ": unknown format; use one of "
                        + Arrays.stream(values())
                                .map(ExportFormat::key)
                                .collect(Collectors.joining(", "))
                        + ".");
    }

    @Override
    public String toString() {
        return key();
    }
}
