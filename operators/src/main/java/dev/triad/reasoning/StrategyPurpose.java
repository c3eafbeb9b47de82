package dev.triad.reasoning;

import dev.triad.model.CallInput;
import dev.triad.model.CallPurpose;
import dev.triad.model.ReplyField;
import dev.triad.model.Role;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A purpose a strategy's calls are made for: its role, inputs and reply fields ({@link
 * CallPurpose}) and the prompt template it is rendered with. Each strategy lists its purposes as an
 * enum ({@link Lm2Purpose}, {@link CotPurpose}, {@link PlanSolvePurpose}) whose constants hold
 * their {@link #spec()}.
 */
@PublicEvolving
public interface StrategyPurpose extends CallPurpose {

    /** The purpose's parts: key, role, inputs, reply fields. */
    CallPurpose spec();

    @Override
    default String key() {
        return spec().key();
    }

    @Override
    default Role role() {
        return spec().role();
    }

    @Override
    default List<CallInput> inputs() {
        return spec().inputs();
    }

    @Override
    default List<ReplyField> replyFields() {
        return spec().replyFields();
    }

    /**
     * The template's name in the strategy's folder of the prompt set, without {@code .txt}: by
     * default {@code ROLE-PURPOSE}, e.g. {@code verifier-verify}.
     */
    default String template() {
        return role().key() + "-" + key();
    }
}
