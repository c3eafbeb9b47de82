package dev.triad.scoring;

import org.apache.flink.annotation.PublicEvolving;

/**
 * Extracts final answers from model replies and decides whether an answer matches a gold answer,
 * for the shipped formats (GSM8K {@code #### 72}, MATH-500 LaTeX answers, SVAMP {@code 145.0}) and
 * free text. Stateless and thread-safe; every method accepts null.
 *
 * <h2>What "equivalent" means</h2>
 *
 * Both sides are cleaned the same way ({@link #normalize}: the last {@code \boxed{}} unwrapped, a
 * leading "The answer is", {@code $}, {@code \$}, {@code %}, {@code \%}, degree signs, {@code
 * \left}/{@code \right}, LaTeX spacing, {@code \text{}} units and plain unit words after a number,
 * trailing periods and a leading {@code x =} or {@code x \in} removed; {@code \dfrac}/{@code
 * \tfrac} read as {@code \frac}, {@code \frac12} as {@code \frac{1}{2}}), then compared by shape:
 *
 * <ul>
 *   <li><b>Numbers</b> are equal as exact rationals when both sides are rational ({@code 3/4},
 *       {@code \frac{3}{4}}, {@code 0.75}, {@code 0.750} are one number; {@code 0.333} is not
 *       {@code 1/3}); otherwise ({@code \sqrt}, {@code \pi}, huge powers) as doubles within a
 *       relative tolerance of {@value Value#RELATIVE_TOLERANCE} (absolute floor {@value
 *       Value#ABSOLUTE_TOLERANCE}): double rounding only, never the rounding a model does, so
 *       {@code 3.1416} is not {@code \pi}.
 *   <li><b>Thousands separators</b>: a comma before exactly three digits in a lone number is a
 *       thousands separator ({@code 1,234} is 1234, {@code 1.234} is one point two three four and
 *       does not match it). Inside brackets and in lists a comma always separates elements, and
 *       {@code 1, 234} (with a space) is a list of two.
 *   <li><b>Percent and units</b> are dropped, not converted: {@code 18%}, {@code 18\%}, {@code
 *       $18}, {@code 18 dollars} and {@code 18^\circ} all equal {@code 18}; {@code 10%} is not
 *       {@code 0.1}, because GSM8K writes percentages without the sign ({@code #### 10}).
 *   <li><b>Mixed numbers</b>: an integer followed by a fraction of integers is their sum, as MATH
 *       writes them ({@code 1\frac{4}{5}} is {@code 9/5}).
 *   <li><b>Expressions with variables</b> ({@code 2k+2}, {@code (a+5)(b+2)}, {@code 6+9i} with
 *       {@code i} as a variable) are equal when they use the same single-letter variables and agree
 *       at several fixed sample points; an equation equals another when their sides' differences
 *       are proportional there ({@code 2x+4y=6} and {@code x+2y-3=0}).
 *   <li><b>Tuples and intervals</b> ({@code (1,2)}, {@code [1,2)}, {@code (-\infty,0]}) compare
 *       element by element in order, and their brackets must agree. <b>Lists</b> of solutions
 *       ({@code 1,-2}), sets ({@code \{1,2\}}), {@code a \pm b} (its two values) and unions of
 *       intervals compare as unordered collections. Matrices compare cell by cell, and a vector
 *       equals the round-bracket tuple of its entries.
 *   <li><b>Multiple choice</b>: {@code (B)}, {@code \text{(B)}} and a lone capital {@code B} are
 *       letter B.
 *   <li><b>Anything else</b> (text, bases such as {@code 204_5}, functions) compares as cleaned
 *       text; answers that are only words ignore case.
 * </ul>
 */
@PublicEvolving
public final class AnswerScorer {

    private AnswerScorer() {}

    /**
     * The final answer in a model's free-text reply: the last complete {@code \boxed{...}}; else
     * the line after the last {@code ####}; else what follows the last "answer is" or "answer:";
     * else the last number in the text. Null when there is none.
     */
    public static String extract(String modelOutput) {
        return AnswerExtractor.extract(modelOutput);
    }

    /**
     * The answer in canonical form: {@code "$1,234.50 dollars"} becomes {@code 1234.5}, {@code
     * "\dfrac{2}{4}"} becomes {@code \frac{1}{2}}, {@code "\left( 3, \frac{\pi}{2} \right)"}
     * becomes {@code (3, \frac{\pi}{2})}. Normalising is idempotent and keeps equivalence: {@code
     * equivalent(normalize(a), g) == equivalent(a, g)}. Null when the answer is null or empty after
     * cleaning.
     */
    public static String normalize(String answer) {
        if (isPlainInteger(answer)) {
            return answer; // already canonical; the common case, kept off the LaTeX path
        }
        ParsedAnswer parsed = parse(answer);
        return parsed == null ? null : parsed.render();
    }

    /**
     * Whether {@code answer} is the same answer as {@code gold}, by the rules in this class's
     * documentation; false when either is null or empty. Both are single answers: pass a model's
     * whole reply through {@link #extract} first.
     */
    public static boolean equivalent(String answer, String gold) {
        if (isPlainInteger(answer) && isPlainInteger(gold)) {
            return answer.equals(gold);
        }
        ParsedAnswer a = parse(answer);
        ParsedAnswer g = parse(gold);
        return a != null && g != null && ParsedAnswer.equivalent(a, g);
    }

    private static ParsedAnswer parse(String answer) {
        return answer == null ? null : ParsedAnswer.parse(LatexCleaner.clean(answer));
    }

    /** An optional minus and digits, no leading zero: its own canonical form. */
    private static boolean isPlainInteger(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        int start = text.charAt(0) == '-' ? 1 : 0;
        int length = text.length() - start;
        if (length == 0 || length > 18 || (length > 1 && text.charAt(start) == '0')) {
            return false;
        }
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return !(start == 1 && length == 1 && text.charAt(1) == '0'); // "-0" is not canonical
    }
}
