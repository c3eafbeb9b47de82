package dev.triad.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The evaluator behind numeric comparison: precedence, LaTeX forms, exactness. */
class ExpressionTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "1+2*3 | 7",
                "(1+2)*3 | 9",
                "-2^2 | -4",
                "2^-1 | 0.5",
                "2^3^2 | 512",
                "2^10 | 1024",
                "10^{-3} | 0.001",
                "\\frac{1}{2}+\\frac{1}{3} | 0.8333333333333334",
                "1\\frac{4}{5} | 1.8",
                "-1\\frac{1}{2} | -1.5",
                "\\frac{3}{4}\\cdot 8 | 6",
                "12\\div 4\\times 3 | 9",
                "2\\sqrt{9} | 6",
                "\\sqrt[3]{27} | 3",
                "2(3+4) | 14",
                "(1+1)(2+2) | 8",
                ".5+.25 | 0.75",
                "\\frac{\\pi}{\\pi} | 1",
            })
    void evaluates(String text, double expected) {
        Expression e = Expression.parse(text);
        assertThat(e).as(text).isNotNull();
        assertThat(Value.close(e.value().toDouble(), expected))
                .as("%s = %s", text, e.value())
                .isTrue();
    }

    @ParameterizedTest(name = "{0} is exact")
    @ValueSource(
            strings = {
                "0.1+0.2",
                "\\frac{1}{3}",
                "2^{20}",
                "\\sqrt{\\frac{4}{9}}",
                "1\\frac{4}{5}"
            })
    void rationalsStayExact(String text) {
        assertThat(Expression.parse(text).value().isExact()).isTrue();
    }

    @ParameterizedTest(name = "{0} is not an expression")
    @ValueSource(strings = {"east", "\\cot x", "204_5", "1,2", "x=5", "\\text{a}", "(1+2", ""})
    void rejects(String text) {
        assertThat(Expression.parse(text)).isNull();
    }

    @ParameterizedTest(name = "{0} has variables {1}")
    @CsvSource(
            delimiter = '|',
            value = {"3R^2 | [R]", "(a+5)(b+2) | [a, b]", "6+9i | [i]"})
    void collectsVariables(String text, String variables) {
        assertThat(Expression.parse(text).variables().toString()).isEqualTo(variables);
    }
}
