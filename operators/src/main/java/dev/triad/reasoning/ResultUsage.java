package dev.triad.reasoning;

import dev.triad.cost.PriceTable;
import dev.triad.schemas.RoleUsage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The usage a finished question's {@link dev.triad.schemas.Result} carries, built once when it ends
 * (never per call): the per-role sums kept in its state, with the replicas that answered and, given
 * a price table, the estimated cost per role and for the question.
 *
 * @param roles role key to usage, in the state's role order
 * @param cost the question's estimated cost, or {@code null} without a price table or when a role
 *     has no price
 */
record ResultUsage(Map<String, RoleUsage> roles, Double cost) {

    /**
     * @param usage role key to the usage summed while the question ran
     * @param models role key to model binding, as results name them
     * @param prices the price table, or {@code null}
     */
    static ResultUsage of(
            Map<String, RoleTally> usage, Map<String, String> models, PriceTable prices) {
        Map<String, RoleUsage> roles = new LinkedHashMap<>();
        double total = 0;
        boolean priced = prices != null;
        for (Map.Entry<String, RoleTally> e : usage.entrySet()) {
            String role = e.getKey();
            RoleUsage u = e.getValue().toUsage();
            if (prices != null) {
                PriceTable.Price price =
                        prices.priceFor(role, models == null ? null : models.get(role));
                if (price == null) {
                    priced = false;
                } else {
                    double cost = rounded(price.cost(u));
                    u = u.withCost(cost);
                    total += cost;
                }
            }
            roles.put(role, u);
        }
        return new ResultUsage(roles, priced ? rounded(total) : null);
    }

    /**
     * A cost to 12 significant digits: far below a cent at any scale, and written as {@code
     * 1.554E-4} rather than the sum's binary noise {@code 1.5539999999999998E-4}.
     */
    static double rounded(double cost) {
        return new BigDecimal(cost).round(COST_DIGITS).doubleValue();
    }

    private static final MathContext COST_DIGITS = new MathContext(12, RoundingMode.HALF_EVEN);
}
