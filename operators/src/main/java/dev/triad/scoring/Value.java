package dev.triad.scoring;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;

/**
 * A number as the expression evaluator sees it: an exact rational while only rationals went in
 * ({@code 0.1 + 0.2} is exactly {@code 3/10}), a double once a root, {@code \pi}, a variable or an
 * oversized power made exactness impossible or too costly.
 */
final class Value {

    /** Relative tolerance for inexact comparisons: double rounding, not answer rounding. */
    static final double RELATIVE_TOLERANCE = 1e-9;

    /** Absolute floor under the relative tolerance, so that 0 and {@code 1e-17} compare equal. */
    static final double ABSOLUTE_TOLERANCE = 1e-12;

    /** Size (bits) an exact power may reach before it is computed in doubles instead. */
    private static final int MAX_EXACT_BITS = 4096;

    private static final BigInteger TWO = BigInteger.valueOf(2);
    private static final BigInteger FIVE = BigInteger.valueOf(5);

    private final BigInteger num;
    private final BigInteger den; // null when inexact
    private final double approx;

    private Value(BigInteger num, BigInteger den) {
        BigInteger gcd = num.gcd(den);
        if (den.signum() < 0) {
            gcd = gcd.negate();
        }
        this.num = num.divide(gcd);
        this.den = den.divide(gcd);
        this.approx =
                new BigDecimal(this.num)
                        .divide(new BigDecimal(this.den), MathContext.DECIMAL64)
                        .doubleValue();
    }

    private Value(double approx) {
        this.num = null;
        this.den = null;
        this.approx = approx;
    }

    static Value exact(BigInteger num, BigInteger den) {
        // Division by zero is undefined, not infinity: 1/0 equals no number and not \infty.
        return den.signum() == 0 ? inexact(Double.NaN) : new Value(num, den);
    }

    static Value of(BigDecimal decimal) {
        return decimal.scale() <= 0
                ? new Value(decimal.toBigIntegerExact(), BigInteger.ONE)
                : new Value(decimal.unscaledValue(), BigInteger.TEN.pow(decimal.scale()));
    }

    static Value inexact(double approx) {
        return new Value(approx);
    }

    boolean isExact() {
        return den != null;
    }

    double toDouble() {
        return approx;
    }

    Value add(Value o) {
        return isExact() && o.isExact()
                ? exact(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den))
                : inexact(approx + o.approx);
    }

    Value negate() {
        return isExact() ? new Value(num.negate(), den) : inexact(-approx);
    }

    Value multiply(Value o) {
        return isExact() && o.isExact()
                ? exact(num.multiply(o.num), den.multiply(o.den))
                : inexact(approx * o.approx);
    }

    Value divide(Value o) {
        return isExact() && o.isExact()
                ? exact(num.multiply(o.den), den.multiply(o.num))
                : inexact(o.approx == 0 ? Double.NaN : approx / o.approx);
    }

    Value pow(Value exponent) {
        if (isExact()
                && exponent.isExact()
                && exponent.den.equals(BigInteger.ONE)
                && exponent.num.bitLength() < 31) {
            long bits =
                    (long) Math.max(num.bitLength(), den.bitLength())
                            * Math.abs(exponent.num.intValue());
            if (bits <= MAX_EXACT_BITS) {
                int e = exponent.num.intValue();
                Value raised = exact(num.pow(Math.abs(e)), den.pow(Math.abs(e)));
                return e >= 0 ? raised : exact(BigInteger.ONE, BigInteger.ONE).divide(raised);
            }
        }
        return inexact(Math.pow(approx, exponent.approx));
    }

    /** The {@code degree}-th root; exact when both parts of an exact square root are squares. */
    Value root(Value degree) {
        if (isExact() && num.signum() >= 0 && degree.isExact() && degree.approx == 2) {
            BigInteger n = num.sqrt();
            BigInteger d = den.sqrt();
            if (n.multiply(n).equals(num) && d.multiply(d).equals(den)) {
                return exact(n, d);
            }
        }
        if (degree.approx == 3) {
            return inexact(Math.cbrt(approx));
        }
        return inexact(Math.pow(approx, 1 / degree.approx));
    }

    /**
     * Whether two values are the same number: exactly for rationals, within tolerance otherwise.
     */
    boolean sameAs(Value o) {
        if (isExact() && o.isExact()) {
            return num.equals(o.num) && den.equals(o.den);
        }
        return close(approx, o.approx);
    }

    static boolean close(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return false;
        }
        if (Double.isInfinite(a) || Double.isInfinite(b)) {
            return a == b;
        }
        double scale = Math.max(Math.abs(a), Math.abs(b));
        return Math.abs(a - b) <= Math.max(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE * scale);
    }

    boolean isInteger() {
        return isExact() && den.equals(BigInteger.ONE);
    }

    /**
     * Canonical text of an exact value: {@code 18}, {@code 18.5} (when {@code decimal} and the
     * expansion terminates), else {@code \frac{1}{3}} with the sign in front; null when inexact.
     */
    String render(boolean decimal) {
        if (!isExact()) {
            return null;
        }
        if (den.equals(BigInteger.ONE)) {
            return num.toString();
        }
        if (decimal && terminates(den)) {
            return new BigDecimal(num)
                    .divide(new BigDecimal(den))
                    .stripTrailingZeros()
                    .toPlainString();
        }
        String frac = "\\frac{" + num.abs() + "}{" + den + "}";
        return num.signum() < 0 ? "-" + frac : frac;
    }

    private static boolean terminates(BigInteger den) {
        BigInteger d = den;
        while (d.mod(TWO).signum() == 0) {
            d = d.divide(TWO);
        }
        while (d.mod(FIVE).signum() == 0) {
            d = d.divide(FIVE);
        }
        return d.equals(BigInteger.ONE);
    }

    @Override
    public String toString() {
        return isExact() ? num + "/" + den : Double.toString(approx);
    }
}
