package dev.triad.model;

import org.apache.flink.annotation.PublicEvolving;

/**
 * The kinds of model call the strategies make: the {@code purpose} of a {@link CallContext}, with
 * the template inputs each one carries and the JSON reply each one asks for. Simulated models
 * answer by these; prompts are written for them.
 *
 * <p>Input keys: {@code question} (text), {@code concepts} (list of strings), {@code verified}
 * (list of {@code {subquestion, answer}} objects accepted so far), {@code subquestion}, {@code
 * answer}, {@code feedback} ({@code {class, explanation, subquestion, answer}} of the rejected
 * attempt, present only when a step is written again).
 */
@PublicEvolving
public final class CallPurpose {

    private CallPurpose() {}

    /**
     * lm2, decomposer, first call. Inputs: question. Reply: {@code {"concepts": [..],
     * "subquestion": "..."}}.
     */
    public static final String CONCEPTS = "concepts";

    /**
     * lm2, decomposer, next step or a rejected step again. Inputs: question, concepts, verified,
     * feedback (on regeneration). Reply: {@code {"subquestion": "..."}} or {@code {"done": true}}.
     */
    public static final String SUBQUESTION = "subquestion";

    /**
     * lm2 and plan-solve, solver, one subquestion. Inputs: question, concepts (lm2), verified,
     * subquestion. Reply: {@code {"answer": "..."}} (a {@code reasoning} field may precede it).
     */
    public static final String ANSWER = "answer";

    /**
     * lm2, verifier. Inputs: question, verified, subquestion, answer. Reply: {@code {"explanation":
     * "...", "class": "no_mistake"}} with one of the nine LM2 classes.
     */
    public static final String VERIFY = "verify";

    /**
     * lm2 and plan-solve, solver, the final answer from the context. Inputs: question, concepts
     * (lm2), verified. Reply: {@code {"answer": "..."}}.
     */
    public static final String FINAL = "final";

    /**
     * cot, solver, the whole question. Inputs: question. Reply: {@code {"reasoning": "...",
     * "answer": "..."}}.
     */
    public static final String COT = "cot";

    /**
     * plan-solve, decomposer, all subquestions at once. Inputs: question. Reply: {@code
     * {"subquestions": [..]}}.
     */
    public static final String PLAN = "plan";
}
