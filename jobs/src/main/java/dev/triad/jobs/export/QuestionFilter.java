package dev.triad.jobs.export;

import dev.triad.reasoning.Lm2Strategy;
import dev.triad.schemas.Result;
import dev.triad.schemas.Status;
import dev.triad.schemas.Step;

/**
 * Decides which results an export takes its examples from (lm2 results, by {@link
 * ExportSettings#keep()} and {@link ExportSettings#minSteps()}), and says why it leaves one out.
 * Stateless.
 */
final class QuestionFilter {

    private final ExportSettings settings;

    QuestionFilter(ExportSettings settings) {
        this.settings = settings;
    }

    /**
     * Why {@code result} is left out, as a short phrase for the dataset card; {@code null} if kept.
     */
    String reasonToSkip(Result result) {
        if (!Lm2Strategy.NAME.equals(result.strategy())) {
            return "strategy " + result.strategy() + " (only lm2 traces are exported)";
        }
        if (settings.keep() == ExportSettings.Keep.CORRECT) {
            if (result.gold() != null) {
                if (!Boolean.TRUE.equals(result.correct())) {
                    return "final answer not correct";
                }
            } else if (result.status() != Status.SOLVED || !everyStepAccepted(result)) {
                return "no gold, and not accepted by the verifier at every step";
            }
        }
        if (acceptedSteps(result) < settings.minSteps()) {
            return "fewer than " + settings.minSteps() + " accepted steps";
        }
        return null;
    }

    private static boolean everyStepAccepted(Result result) {
        // Every step ended accepted (a rejected attempt written again and accepted is fine).
        int lastIndex = 0;
        boolean lastAccepted = true;
        for (Step step : result.steps()) {
            if (step.raw() != null || Boolean.TRUE.equals(step.unverified())) {
                return false;
            }
            if (step.index() != lastIndex && !lastAccepted) {
                return false;
            }
            lastIndex = step.index();
            lastAccepted = step.accepted();
        }
        return lastAccepted;
    }

    private static long acceptedSteps(Result result) {
        return result.steps().stream().filter(Step::accepted).count();
    }
}
