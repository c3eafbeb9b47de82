package dev.triad.scoring;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed arithmetic expression in the LaTeX subset final answers use: numbers, {@code + - * /},
 * {@code ^}, {@code \times}, {@code \cdot}, {@code \div}, {@code \frac}, {@code \sqrt} (and {@code
 * \sqrt[n]}), {@code \pi}, {@code \infty}, parentheses and braces, implicit multiplication ({@code
 * 2\sqrt{3}}, {@code 3R^2}, {@code (a+5)(b+2)}) and single-letter variables.
 *
 * <p>An integer directly followed by a fraction of integers is a mixed number, as in MATH: {@code
 * 1\frac{4}{5}} is {@code 9/5}. An exponent written without braces takes the whole number ({@code
 * 2^10} is 1024, the plain-text reading). Anything else (functions, subscripts, words of three or
 * more letters) is not an expression: {@link #parse} returns null and the caller compares text.
 */
final class Expression {

    private static final Pattern WORD = Pattern.compile("(?<![\\\\a-zA-Z])[a-zA-Z]{3,}");
    private static final Pattern MIXED_FRACTION = Pattern.compile("\\\\frac\\{(\\d+)}\\{(\\d+)}");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d*)?|\\.\\d+");

    /** Values the variables take at each sample point; distinct, irrational-looking, non-zero. */
    private static final double[] SAMPLE_BASES = {1.2345, 2.7183, -0.5774, 3.1623};

    private static final double SAMPLE_STEP = 0.1371;

    /** Sample points that must be defined on both sides before two expressions are called equal. */
    private static final int MIN_DEFINED_SAMPLES = 3;

    /** Longer text is not parsed: no answer is this long, and recursion depth stays bounded. */
    static final int MAX_LENGTH = 1000;

    private final Node root;
    private final Set<Character> variables;

    private Expression(Node root, Set<Character> variables) {
        this.root = root;
        this.variables = Collections.unmodifiableSet(variables);
    }

    /** The expression in {@code text}, or null when it is not one this class understands. */
    static Expression parse(String text) {
        if (text == null
                || text.isBlank()
                || text.length() > MAX_LENGTH
                || WORD.matcher(text).find()) {
            return null;
        }
        try {
            return new Parser(text).parseAll();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code left - right}, the form an equation {@code left = right} is compared in. */
    static Expression difference(Expression left, Expression right) {
        Set<Character> vars = new TreeSet<>(left.variables);
        vars.addAll(right.variables);
        Node l = left.root;
        Node r = right.root;
        return new Expression(env -> l.eval(env).add(r.eval(env).negate()), vars);
    }

    Set<Character> variables() {
        return variables;
    }

    boolean isConstant() {
        return variables.isEmpty();
    }

    /** The value of a constant expression. */
    Value value() {
        if (!isConstant()) {
            throw new IllegalStateException("expression has variables " + variables);
        }
        return root.eval(Map.of());
    }

    /**
     * Whether two expressions with the same variables agree at every sample point where both are
     * defined (at least {@value #MIN_DEFINED_SAMPLES} such points), within {@link Value}'s
     * tolerance; with {@code upToFactor}, whether their ratio is the same non-zero constant there.
     */
    static boolean agree(Expression a, Expression b, boolean upToFactor) {
        if (!a.variables.equals(b.variables)) {
            return false;
        }
        int defined = 0;
        double ratio = Double.NaN;
        for (int k = 0; k < SAMPLE_BASES.length; k++) {
            Map<Character, Double> env = sample(a.variables, k);
            double x = a.root.eval(env).toDouble();
            double y = b.root.eval(env).toDouble();
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                continue;
            }
            defined++;
            if (!upToFactor) {
                if (!Value.close(x, y)) {
                    return false;
                }
            } else if (Value.close(y, 0) || Value.close(x, 0)) {
                if (!Value.close(x, 0) || !Value.close(y, 0)) {
                    return false;
                }
            } else if (Double.isNaN(ratio)) {
                ratio = x / y;
            } else if (!Value.close(x / y, ratio)) {
                return false;
            }
        }
        return defined >= MIN_DEFINED_SAMPLES && (!upToFactor || !Double.isNaN(ratio));
    }

    private static Map<Character, Double> sample(Set<Character> vars, int k) {
        Map<Character, Double> env = new HashMap<>();
        int i = 0;
        for (char v : vars) {
            env.put(v, SAMPLE_BASES[k] + SAMPLE_STEP * (v % 13) + 0.0917 * i++);
        }
        return env;
    }

    /** A node of the parsed tree; evaluates under an assignment of the variables. */
    @FunctionalInterface
    private interface Node {
        Value eval(Map<Character, Double> env);
    }

    /** Recursive descent over the text; throws IllegalArgumentException on anything unknown. */
    private static final class Parser {
        private final String text;
        private final Set<Character> vars = new TreeSet<>();
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Expression parseAll() {
            Node root = sum();
            if (peek() != 0) {
                throw fail();
            }
            return new Expression(root, vars);
        }

        private Node sum() {
            Node left = product();
            while (true) {
                Node l = left;
                if (eat('+')) {
                    Node r = product();
                    left = env -> l.eval(env).add(r.eval(env));
                } else if (eat('-')) {
                    Node r = product();
                    left = env -> l.eval(env).add(r.eval(env).negate());
                } else {
                    return left;
                }
            }
        }

        private Node product() {
            Node left = signed(true);
            while (true) {
                Node l = left;
                if (eat('*') || eatCommand("times") || eatCommand("cdot")) {
                    Node r = signed(true);
                    left = env -> l.eval(env).multiply(r.eval(env));
                } else if (eat('/') || eatCommand("div")) {
                    Node r = signed(true);
                    left = env -> l.eval(env).divide(r.eval(env));
                } else if (startsFactor()) {
                    Node r = power(true);
                    left = env -> l.eval(env).multiply(r.eval(env));
                } else {
                    return left;
                }
            }
        }

        private Node signed(boolean mixed) {
            if (eat('-')) {
                Node n = signed(mixed);
                return env -> n.eval(env).negate();
            }
            if (eat('+')) {
                return signed(mixed);
            }
            return power(mixed);
        }

        private Node power(boolean mixed) {
            Node base = primary(mixed);
            if (eat('^')) {
                Node exponent = signed(false);
                return env -> base.eval(env).pow(exponent.eval(env));
            }
            return base;
        }

        private Node primary(boolean mixed) {
            char c = peek();
            if (Character.isDigit(c) || c == '.') {
                return number(mixed);
            }
            if (eat('(')) {
                Node inner = sum();
                expect(')');
                return inner;
            }
            if (c == '{') {
                return group();
            }
            if (c == '\\') {
                return command();
            }
            if (isLetter(c)) {
                pos++;
                vars.add(c);
                return env -> {
                    Double v = env.get(c);
                    if (v == null) {
                        throw new IllegalStateException("no value for variable " + c);
                    }
                    return Value.inexact(v);
                };
            }
            throw fail();
        }

        private Node number(boolean mixed) {
            Matcher m = NUMBER.matcher(text).region(pos, text.length());
            if (!m.lookingAt()) {
                throw fail();
            }
            pos = m.end();
            Value literal = Value.of(new BigDecimal(m.group()));
            if (mixed && literal.isInteger()) {
                Matcher frac = MIXED_FRACTION.matcher(text).region(skipSpaces(pos), text.length());
                if (frac.lookingAt()) {
                    pos = frac.end();
                    Value part =
                            Value.exact(
                                    new BigInteger(frac.group(1)), new BigInteger(frac.group(2)));
                    Value whole = literal.add(part);
                    return env -> whole;
                }
            }
            return env -> literal;
        }

        private Node group() {
            expect('{');
            Node inner = sum();
            expect('}');
            return inner;
        }

        /** A command's argument: a braced group, or one digit, letter or command. */
        private Node argument() {
            char c = peek();
            if (c == '{') {
                return group();
            }
            if (Character.isDigit(c)) {
                Value digit = Value.of(BigDecimal.valueOf(c - '0'));
                pos++;
                return env -> digit;
            }
            return primary(false);
        }

        private Node command() {
            String name = commandName();
            switch (name) {
                case "frac":
                    {
                        Node n = argument();
                        Node d = argument();
                        return env -> n.eval(env).divide(d.eval(env));
                    }
                case "sqrt":
                    {
                        Node degree = env -> Value.of(BigDecimal.valueOf(2));
                        if (eat('[')) {
                            degree = sum();
                            expect(']');
                        }
                        Node deg = degree;
                        Node radicand = argument();
                        return env -> radicand.eval(env).root(deg.eval(env));
                    }
                case "pi":
                    return env -> Value.inexact(Math.PI);
                case "infty":
                    return env -> Value.inexact(Double.POSITIVE_INFINITY);
                default:
                    throw fail();
            }
        }

        private boolean startsFactor() {
            char c = peek();
            if (Character.isDigit(c) || c == '.' || c == '(' || c == '{' || isLetter(c)) {
                return true;
            }
            if (c == '\\') {
                int save = pos;
                String name = commandName();
                pos = save;
                return name.equals("frac")
                        || name.equals("sqrt")
                        || name.equals("pi")
                        || name.equals("infty");
            }
            return false;
        }

        private String commandName() {
            expect('\\');
            int start = pos;
            while (pos < text.length() && isLetter(text.charAt(pos))) {
                pos++;
            }
            return text.substring(start, pos);
        }

        private boolean eatCommand(String name) {
            int save = pos;
            if (peek() == '\\' && commandName().equals(name)) {
                return true;
            }
            pos = save;
            return false;
        }

        private char peek() {
            pos = skipSpaces(pos);
            return pos < text.length() ? text.charAt(pos) : 0;
        }

        private int skipSpaces(int from) {
            int i = from;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            return i;
        }

        private boolean eat(char c) {
            if (peek() == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!eat(c)) {
                throw fail();
            }
        }

        private IllegalArgumentException fail() {
            return new IllegalArgumentException("not an expression at " + pos + ": " + text);
        }

        private static boolean isLetter(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }
    }
}
