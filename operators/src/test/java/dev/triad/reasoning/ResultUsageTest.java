package dev.triad.reasoning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.triad.cost.PriceTable;
import dev.triad.model.ModelCompletion;
import dev.triad.model.Role;
import dev.triad.schemas.Json;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The usage and cost a result carries, built once when its question ends. */
class ResultUsageTest {

    @Test
    void costsAreWrittenWithoutTheSumsBinaryNoise() {
        // 0.1 + 0.2 per million tokens summed the naive way is 3.0000000000000004E-7.
        PriceTable prices =
                PriceTable.builder()
                        .role(Role.SOLVER, PriceTable.Price.perMillion(0.1, 0.2))
                        .build();
        RoleTally solver = new RoleTally();
        solver.answered(new ModelCompletion("{}", 1, 1, 0, 5, "http://r-1"));
        Map<String, RoleTally> usage = new TreeMap<>(Map.of("solver", solver));

        ResultUsage result = ResultUsage.of(usage, Map.of("solver", "sim:default"), prices);

        assertThat(0.1 / 1e6 + 0.2 / 1e6).isNotEqualTo(3e-7);
        assertThat(result.cost()).isEqualTo(3e-7);
        assertThat(result.roles().get("solver").cost()).isEqualTo(3e-7);
        assertThat(Json.write(result.roles().get("solver"))).contains("\"cost\":3.0E-7");
        assertThat(result.roles().get("solver").replicas()).containsEntry("http://r-1", 1L);
    }
}
