package dev.triad.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of a cleaned answer: a multiple-choice letter, a scalar, an ordered sequence in
 * brackets (tuple, point, interval), an unordered collection (a bare list of solutions, a {@code
 * \{set\}}, a {@code \cup} of intervals, the two values of {@code a \pm b}) or a matrix. Two
 * answers are equivalent when their shapes agree and their parts are equivalent; see {@link
 * AnswerScorer#equivalent}.
 */
sealed interface ParsedAnswer
        permits ParsedAnswer.Choice,
                ParsedAnswer.Scalar,
                ParsedAnswer.Sequence,
                ParsedAnswer.Unordered,
                ParsedAnswer.Matrix {

    /** Canonical text; {@code parse(LatexCleaner.clean(render()))} gives an equivalent answer. */
    String render();

    /** The answer in compact text from {@link LatexCleaner#clean}; null when it is empty. */
    static ParsedAnswer parse(String cleaned) {
        return Parser.parse(cleaned);
    }

    /** Whether two answers are the same; symmetric. */
    static boolean equivalent(ParsedAnswer a, ParsedAnswer b) {
        if (a instanceof Unordered u && u.isSingle() && !(b instanceof Unordered)) {
            return equivalent(u.elements().get(0), b);
        }
        if (b instanceof Unordered u && u.isSingle() && !(a instanceof Unordered)) {
            return equivalent(a, u.elements().get(0));
        }
        if (a instanceof Matrix m && b instanceof Sequence s) {
            return m.matchesVector(s);
        }
        if (b instanceof Matrix m && a instanceof Sequence s) {
            return m.matchesVector(s);
        }
        if (a.getClass() != b.getClass()) {
            return false;
        }
        if (a instanceof Choice x) {
            return x.letter() == ((Choice) b).letter();
        }
        if (a instanceof Scalar x) {
            return x.matches((Scalar) b);
        }
        if (a instanceof Sequence x) {
            Sequence y = (Sequence) b;
            return x.open() == y.open()
                    && x.close() == y.close()
                    && pairwise(x.elements(), y.elements());
        }
        if (a instanceof Unordered x) {
            Unordered y = (Unordered) b;
            return (x.kind() == Kind.UNION) == (y.kind() == Kind.UNION)
                    && x.elements().size() == y.elements().size()
                    && perfectMatching(x.elements(), y.elements());
        }
        Matrix x = (Matrix) a;
        Matrix y = (Matrix) b;
        if (x.rows().size() != y.rows().size()) {
            return false;
        }
        for (int r = 0; r < x.rows().size(); r++) {
            if (!pairwise(x.rows().get(r), y.rows().get(r))) {
                return false;
            }
        }
        return true;
    }

    private static boolean pairwise(List<ParsedAnswer> a, List<ParsedAnswer> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!equivalent(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the elements of a and b (same size) pair up one to one into equivalent pairs:
     * bipartite matching by augmenting paths, polynomial where trying permutations is not.
     */
    private static boolean perfectMatching(List<ParsedAnswer> a, List<ParsedAnswer> b) {
        int n = a.size();
        boolean[][] edge = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                edge[i][j] = equivalent(a.get(i), b.get(j));
            }
        }
        int[] partnerOfB = new int[n];
        Arrays.fill(partnerOfB, -1);
        for (int i = 0; i < n; i++) {
            if (!augment(i, edge, partnerOfB, new boolean[n])) {
                return false;
            }
        }
        return true;
    }

    private static boolean augment(int i, boolean[][] edge, int[] partnerOfB, boolean[] seen) {
        for (int j = 0; j < partnerOfB.length; j++) {
            if (edge[i][j] && !seen[j]) {
                seen[j] = true;
                if (partnerOfB[j] < 0 || augment(partnerOfB[j], edge, partnerOfB, seen)) {
                    partnerOfB[j] = i;
                    return true;
                }
            }
        }
        return false;
    }

    /** A multiple-choice answer: {@code (B)}, {@code \text{(B)}}, {@code B}. */
    record Choice(char letter) implements ParsedAnswer {
        @Override
        public String render() {
            return "(" + letter + ")";
        }
    }

    /** What kind of unordered collection; only a union and a union compare. */
    enum Kind {
        LIST,
        SET,
        UNION
    }

    /** An ordered sequence in brackets: {@code (1,2)}, {@code [1,2)}, {@code (-\infty,0]}. */
    record Sequence(char open, char close, List<ParsedAnswer> elements) implements ParsedAnswer {
        @Override
        public String render() {
            return open + join(elements, ", ") + close;
        }
    }

    /** An unordered collection: {@code 1,-2}, {@code \{1,2\}}, {@code (0,1)\cup(2,3)}. */
    record Unordered(Kind kind, List<ParsedAnswer> elements) implements ParsedAnswer {
        boolean isSingle() {
            return kind != Kind.UNION && elements.size() == 1;
        }

        @Override
        public String render() {
            switch (kind) {
                case SET:
                    return "\\{" + join(elements, ", ") + "\\}";
                case UNION:
                    return join(elements, " \\cup ");
                default:
                    return join(elements, ", ");
            }
        }
    }

    /** A matrix or vector from {@code \begin{pmatrix}} (or bmatrix, ...), row by row. */
    record Matrix(String environment, List<List<ParsedAnswer>> rows) implements ParsedAnswer {
        /** A column or row vector equals the round-bracket tuple of the same elements. */
        boolean matchesVector(Sequence s) {
            if (s.open() != '(' || s.close() != ')') {
                return false;
            }
            List<ParsedAnswer> cells = new ArrayList<>();
            rows.forEach(cells::addAll);
            boolean vector = rows.size() == 1 || rows.stream().allMatch(r -> r.size() == 1);
            return vector && pairwise(cells, s.elements());
        }

        @Override
        public String render() {
            StringBuilder out = new StringBuilder("\\begin{").append(environment).append('}');
            for (int r = 0; r < rows.size(); r++) {
                out.append(r == 0 ? "" : "\\\\").append(join(rows.get(r), "&"));
            }
            return out.append("\\end{").append(environment).append('}').toString();
        }
    }

    /**
     * One value: a number, a symbolic expression or equation, or text. Parsed as an {@link
     * Expression} on demand.
     */
    final class Scalar implements ParsedAnswer {
        private static final Pattern MATHY = Pattern.compile("[\\d+\\-*/^\\\\]");
        private static final Pattern WORDS = Pattern.compile("[A-Za-z]{2,}[A-Za-z ]*");

        private final String text;
        private Expression expression;
        private boolean parsed;

        Scalar(String text) {
            this.text = text;
        }

        String text() {
            return text;
        }

        private Expression expression() {
            if (!parsed) {
                expression = MATHY.matcher(text).find() ? Expression.parse(text) : null;
                parsed = true;
            }
            return expression;
        }

        boolean matches(Scalar other) {
            if (text.equals(other.text)) {
                return true;
            }
            Expression a = expression();
            Expression b = other.expression();
            if (a != null && b != null) {
                if (a.isConstant() && b.isConstant()) {
                    return a.value().sameAs(b.value());
                }
                return Expression.agree(a, b, false);
            }
            Expression[] e = equation();
            Expression[] f = other.equation();
            if (e != null && f != null) {
                return Expression.agree(
                        Expression.difference(e[0], e[1]), Expression.difference(f[0], f[1]), true);
            }
            return WORDS.matcher(text).matches()
                    && WORDS.matcher(other.text).matches()
                    && text.replace(" ", "")
                            .toLowerCase(Locale.ROOT)
                            .equals(other.text.replace(" ", "").toLowerCase(Locale.ROOT));
        }

        /** Both sides of a single {@code =}, when both are expressions; else null. */
        private Expression[] equation() {
            int eq = text.indexOf('=');
            if (eq < 0 || eq != text.lastIndexOf('=')) {
                return null;
            }
            Expression left = Expression.parse(text.substring(0, eq));
            Expression right = Expression.parse(text.substring(eq + 1));
            return left == null || right == null ? null : new Expression[] {left, right};
        }

        @Override
        public String render() {
            Expression e = expression();
            if (e != null && e.isConstant()) {
                String exact = e.value().render(text.contains("."));
                if (exact != null) {
                    return exact;
                }
            }
            return text;
        }

        @Override
        public String toString() {
            return "Scalar[" + text + "]";
        }
    }

    private static String join(List<ParsedAnswer> parts, String separator) {
        StringBuilder out = new StringBuilder();
        for (ParsedAnswer p : parts) {
            out.append(out.length() == 0 ? "" : separator).append(p.render());
        }
        return out.toString();
    }

    /** Splits cleaned text into the shapes above. */
    final class Parser {
        private static final Pattern CHOICE = Pattern.compile("\\(([A-Ea-e])\\)|([A-E])");
        private static final Pattern MATRIX =
                Pattern.compile("\\\\begin\\{([pbBvV]?matrix)}(.*)\\\\end\\{\\1}", Pattern.DOTALL);
        private static final Pattern PREFIX =
                Pattern.compile(
                        "^(?:[a-zA-Z](?:\\([a-zA-Z]\\))?=(?=[^=]*$)|[a-zA-Z]\\\\in(?![a-zA-Z])"
                                + "|\\([a-zA-Z](?:,[a-zA-Z])+\\)=(?=[^=]*$))");

        private Parser() {}

        static ParsedAnswer parse(String cleaned) {
            if (cleaned == null) {
                return null;
            }
            String s = PREFIX.matcher(cleaned.strip()).replaceFirst("");
            if (s.isEmpty()) {
                return null;
            }
            Matcher choice = CHOICE.matcher(s);
            if (choice.matches()) {
                String letter = choice.group(1) != null ? choice.group(1) : choice.group(2);
                return new Choice(Character.toUpperCase(letter.charAt(0)));
            }
            Matcher matrix = MATRIX.matcher(s);
            if (matrix.matches()) {
                List<List<ParsedAnswer>> rows = new ArrayList<>();
                for (String row : split(matrix.group(2), "\\\\")) {
                    if (!row.isBlank()) {
                        List<ParsedAnswer> cells = new ArrayList<>();
                        for (String cell : split(row, "&")) {
                            cells.add(element(cell));
                        }
                        rows.add(cells);
                    }
                }
                return new Matrix(matrix.group(1), rows);
            }
            List<String> union = split(s, "\\cup");
            if (union.size() > 1) {
                return new Unordered(Kind.UNION, elements(union));
            }
            if (s.startsWith("\\{") && s.endsWith("\\}") && encloses(s)) {
                return new Unordered(
                        Kind.SET, elements(split(s.substring(2, s.length() - 2), ",")));
            }
            if (s.length() >= 2
                    && "([".indexOf(s.charAt(0)) >= 0
                    && ")]".indexOf(s.charAt(s.length() - 1)) >= 0
                    && encloses(s)) {
                List<String> parts = split(s.substring(1, s.length() - 1), ",");
                if (parts.size() > 1) {
                    List<ParsedAnswer> elements = new ArrayList<>();
                    for (String p : parts) {
                        elements.add(element(p));
                    }
                    return new Sequence(s.charAt(0), s.charAt(s.length() - 1), elements);
                }
            }
            List<String> list = split(s, ",");
            if (list.size() > 1) {
                return new Unordered(Kind.LIST, elements(list));
            }
            List<ParsedAnswer> plusMinus = plusMinus(s);
            if (plusMinus != null) {
                return new Unordered(Kind.LIST, plusMinus);
            }
            return new Scalar(s);
        }

        /** One part of a compound answer; an empty part stays an empty scalar. */
        private static ParsedAnswer element(String text) {
            ParsedAnswer p = parse(text);
            return p == null ? new Scalar("") : p;
        }

        /** The parts, with {@code a\pm b} (a bare list of two) flattened into its two values. */
        private static List<ParsedAnswer> elements(List<String> parts) {
            List<ParsedAnswer> out = new ArrayList<>();
            for (String part : parts) {
                ParsedAnswer p = element(part);
                if (p instanceof Unordered u && u.kind() == Kind.LIST) {
                    out.addAll(u.elements());
                } else {
                    out.add(p);
                }
            }
            return out;
        }

        /**
         * {@code a\pm b} as its two values {@code a+b} and {@code a-b}; null when not that form.
         */
        private static List<ParsedAnswer> plusMinus(String s) {
            for (String sign : new String[] {"\\pm", "\\mp"}) {
                List<String> parts = split(s, sign);
                if (parts.size() == 2) {
                    String a = parts.get(0);
                    String b = parts.get(1);
                    String bb =
                            split(b, "+").size() > 1 || split(b, "-").size() > 1
                                    ? "(" + b + ")"
                                    : b;
                    return List.of(new Scalar(a + "+" + bb), new Scalar(a + "-" + bb));
                }
            }
            return null;
        }

        /** Whether the bracket opening at 0 closes at the very end. */
        private static boolean encloses(String s) {
            int depth = 0;
            for (int i = 0; i < s.length(); i++) {
                int delta = delta(s, i);
                if (s.charAt(i) == '\\' && i + 1 < s.length() && !Latex.isLetter(s.charAt(i + 1))) {
                    i++;
                }
                depth += delta;
                if (depth == 0) {
                    return i == s.length() - 1;
                }
            }
            return false;
        }

        /**
         * Splits at {@code separator} where it is outside all brackets, braces and {@code \{ \}}; a
         * separator that is a command ({@code \cup}) must not run on into a longer name.
         */
        static List<String> split(String s, String separator) {
            List<String> parts = new ArrayList<>();
            int depth = 0;
            int start = 0;
            boolean command = separator.startsWith("\\") && Latex.isLetter(separator.charAt(1));
            for (int i = 0; i < s.length(); i++) {
                if (depth == 0
                        && s.startsWith(separator, i)
                        && !(command
                                && i + separator.length() < s.length()
                                && Latex.isLetter(s.charAt(i + separator.length())))) {
                    parts.add(s.substring(start, i));
                    i += separator.length() - 1;
                    start = i + 1;
                    continue;
                }
                depth += delta(s, i);
                if (s.charAt(i) == '\\' && i + 1 < s.length() && !Latex.isLetter(s.charAt(i + 1))) {
                    i++;
                }
            }
            parts.add(s.substring(start));
            return parts;
        }

        /** +1 for an opening bracket, brace or {@code \{} at i, -1 for a closing one, else 0. */
        private static int delta(String s, int i) {
            char c = s.charAt(i);
            if (c == '\\') {
                if (i + 1 < s.length()) {
                    char n = s.charAt(i + 1);
                    return n == '{' ? 1 : n == '}' ? -1 : 0;
                }
                return 0;
            }
            return "([{".indexOf(c) >= 0 ? 1 : ")]}".indexOf(c) >= 0 ? -1 : 0;
        }
    }
}
