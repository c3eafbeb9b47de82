package dev.triad.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.scoring.GoldAnswers.Dataset;
import dev.triad.scoring.GoldAnswers.Gold;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every gold answer of the shared datasets (GSM8K test, train and test_socratic {@code ####}
 * values, MATH-500 {@code answer}, SVAMP {@code Answer}) must match itself in the forms a model
 * writes it, and must not match its near misses. One test per dataset and form; its name says how
 * many gold answers the form applies to, and a failure lists the records that failed.
 */
class AnswerScorerGoldAnswersTest {

    private static final Pattern PLAIN_NUMBER =
            Pattern.compile("-?(?:(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?|\\.\\d+)");
    private static final BigInteger THOUSAND = BigInteger.valueOf(1000);
    private static final Pattern FRACTION = Pattern.compile("(-?)\\\\frac\\{(\\d+)}\\{(\\d+)}");

    /** One way a model writes an answer; {@code check} returns null when it passes. */
    record Form(String name, Predicate<Gold> applies, Function<Gold, String> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Form> FORMS =
            List.of(
                    new Form("match verbatim", g -> true, g -> expectMatch(g.answer(), g)),
                    new Form(
                            "match their normal form (both ways; normalizing is idempotent)",
                            g -> true,
                            AnswerScorerGoldAnswersTest::normalizedForm),
                    new Form(
                            "match inside \\boxed{} at the end of a reply",
                            g -> true,
                            g ->
                                    expectExtracted(
                                            "Putting the steps together, 3 + 4 = 7, so the answer"
                                                    + " is $\\boxed{"
                                                    + g.answer()
                                                    + "}$.",
                                            g)),
                    new Form(
                            "match inside a sentence (The answer is ...)",
                            g -> true,
                            g ->
                                    expectExtracted(
                                            g.dataset().latex
                                                    ? "The answer is $" + g.answer() + "$."
                                                    : "The answer is " + g.answer() + ".",
                                            g)),
                    new Form(
                            "match with thousands commas (integers of 1000 or more)",
                            g -> integer(g) != null && integer(g).abs().compareTo(THOUSAND) >= 0,
                            g -> expectMatch(commas(integer(g)), g)),
                    new Form(
                            "match as a decimal, 18.0 and 18.00 (integers)",
                            g -> integer(g) != null,
                            g ->
                                    firstFailure(
                                            expectMatch(integer(g) + ".0", g),
                                            expectMatch(integer(g) + ".00", g))),
                    new Form(
                            "match with trailing unit words (numbers)",
                            g -> constant(g) != null,
                            g ->
                                    firstFailure(
                                            expectMatch(g.answer() + " dollars", g),
                                            expectMatch(g.answer() + " square feet", g),
                                            g.dataset().latex
                                                    ? expectMatch(g.answer() + "\\text{ cm}", g)
                                                    : null)),
                    new Form(
                            "match with a currency sign (numbers)",
                            g -> constant(g) != null,
                            g -> expectMatch((g.dataset().latex ? "\\$" : "$") + g.answer(), g)),
                    new Form(
                            "match as the last number of a free-text reply (plain numbers)",
                            g -> PLAIN_NUMBER.matcher(plain(g)).matches(),
                            g ->
                                    expectExtracted(
                                            "We have 3 + 4 = 7 and 7 * 2 = 14, so in total she"
                                                    + " gets "
                                                    + (integer(g) != null
                                                                    && integer(g)
                                                                                    .abs()
                                                                                    .compareTo(
                                                                                            THOUSAND)
                                                                            >= 0
                                                            ? commas(integer(g))
                                                            : plain(g))
                                                    + " dollars",
                                            g)),
                    new Form(
                            "match as a plain fraction and as a decimal (non-integer rationals)",
                            g -> rational(g) != null && integer(g) == null,
                            AnswerScorerGoldAnswersTest::plainFractionForm),
                    new Form(
                            "match respelled in LaTeX: \\dfrac, spaced commas, $...$",
                            g -> g.dataset().latex,
                            g ->
                                    expectMatch(
                                            "$"
                                                    + g.answer()
                                                            .replaceAll(
                                                                    "\\\\[dt]?frac", "\\\\dfrac")
                                                            .replaceAll(
                                                                    ",(?!\\\\!|\\d{3}(?!\\d))",
                                                                    " , ")
                                                    + "$",
                                            g)),
                    new Form(
                            "reject their near misses: +1, x10, negated (rationals)",
                            g -> rational(g) != null,
                            AnswerScorerGoldAnswersTest::nearMisses));

    static Stream<Arguments> datasetsAndForms() {
        List<Arguments> cases = new ArrayList<>();
        for (Dataset d : Dataset.values()) {
            for (Form f : FORMS) {
                long applicable = GoldAnswers.of(d).stream().filter(f.applies()).count();
                if (applicable > 0) {
                    cases.add(Arguments.of(d, f, applicable));
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> datasets() {
        return Arrays.stream(Dataset.values()).map(d -> Arguments.of(d, d.records));
    }

    @ParameterizedTest(name = "{0} holds {1} records, each with a gold answer")
    @MethodSource("datasets")
    void everyRecordHasAGoldAnswer(Dataset dataset, int records) {
        List<Gold> golds = GoldAnswers.of(dataset);
        assertThat(golds).hasSize(records);
        assertThat(golds).allSatisfy(g -> assertThat(g.answer()).isNotBlank());
    }

    @ParameterizedTest(name = "{0}: {2} gold answers {1}")
    @MethodSource("datasetsAndForms")
    void goldAnswersMatchInTheFormsModelsWrite(Dataset dataset, Form form, long applicable) {
        List<String> failures = new ArrayList<>();
        long checked = 0;
        for (Gold g : GoldAnswers.of(dataset)) {
            if (form.applies().test(g)) {
                checked++;
                String failure = form.check().apply(g);
                if (failure != null) {
                    failures.add(g.id() + " gold " + g.answer() + ": " + failure);
                }
            }
        }
        assertThat(checked).isEqualTo(applicable);
        assertThat(failures)
                .as("%s: %d of %d gold answers fail as %s", dataset, failures.size(), checked, form)
                .isEmpty();
    }

    private static String normalizedForm(Gold g) {
        String n = AnswerScorer.normalize(g.answer());
        if (n == null) {
            return "normalize gave null";
        }
        if (!AnswerScorer.equivalent(g.answer(), n)) {
            return "gold does not match its normal form " + n;
        }
        String again = AnswerScorer.normalize(n);
        return n.equals(again) ? expectMatch(n, g) : "not idempotent: " + n + " then " + again;
    }

    private static String plainFractionForm(Gold g) {
        Value v = rational(g);
        String frac = v.render(false);
        var m = FRACTION.matcher(frac);
        if (!m.matches()) {
            return "unexpected rendering " + frac;
        }
        String slash = m.group(1) + m.group(2) + "/" + m.group(3);
        String decimal = v.render(true);
        return firstFailure(
                expectMatch(slash, g), decimal.contains("frac") ? null : expectMatch(decimal, g));
    }

    private static String nearMisses(Gold g) {
        Value v = rational(g);
        List<Value> misses = new ArrayList<>();
        misses.add(v.add(Value.of(BigDecimal.ONE)));
        if (!v.sameAs(Value.of(BigDecimal.ZERO))) {
            misses.add(v.multiply(Value.of(BigDecimal.TEN)));
            misses.add(v.negate());
        }
        for (Value miss : misses) {
            String text = miss.render(true);
            if (AnswerScorer.equivalent(text, g.answer())) {
                return "near miss " + text + " matched";
            }
        }
        return null;
    }

    private static String expectMatch(String answer, Gold g) {
        return AnswerScorer.equivalent(answer, g.answer())
                ? null
                : "'"
                        + answer
                        + "' (normalized "
                        + AnswerScorer.normalize(answer)
                        + ") did not match";
    }

    private static String expectExtracted(String reply, Gold g) {
        String extracted = AnswerScorer.extract(reply);
        return AnswerScorer.equivalent(extracted, g.answer())
                ? null
                : "extracted '" + extracted + "' from '" + reply + "' did not match";
    }

    private static String firstFailure(String... results) {
        return Arrays.stream(results).filter(r -> r != null).findFirst().orElse(null);
    }

    /** The gold as it would be written without its thousands commas, or its text. */
    private static String plain(Gold g) {
        return g.answer().strip();
    }

    /** The gold's value when it is a single number ({@code \sqrt}, {@code \pi} allowed). */
    private static Value constant(Gold g) {
        ParsedAnswer parsed = ParsedAnswer.parse(LatexCleaner.clean(g.answer()));
        if (!(parsed instanceof ParsedAnswer.Scalar scalar)) {
            return null;
        }
        Expression e = Expression.parse(scalar.text());
        return e != null && e.isConstant() ? e.value() : null;
    }

    private static Value rational(Gold g) {
        Value v = constant(g);
        return v != null && v.isExact() ? v : null;
    }

    private static BigInteger integer(Gold g) {
        Value v = rational(g);
        return v != null && v.isInteger() ? new BigInteger(v.render(false)) : null;
    }

    private static String commas(BigInteger n) {
        return String.format(Locale.US, "%,d", n);
    }
}
