package dev.triad.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.triad.model.Role;
import dev.triad.schemas.RoleUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {

    @TempDir Path dir;

    @Test
    void aBindingsEntryWinsOverItsRolesAndCachedTokensCostTheCachedPrice() throws Exception {
        Path file = dir.resolve("prices.yaml");
        Files.writeString(
                file,
                "solver: {prompt: 0.60, completion: 2.40}\n"
                        + "\"openai:http://gpu-1:8000#big\": {prompt: 0.90, completion: 1.80,"
                        + " cached: 0.45}\n");

        PriceTable table = PriceTable.read(file);

        assertThat(table.priceFor("solver", "sim:default"))
                .isEqualTo(PriceTable.Price.perMillion(0.60, 2.40));
        PriceTable.Price big = table.priceFor("solver", "openai:http://gpu-1:8000#big");
        assertThat(big).isEqualTo(PriceTable.Price.perMillion(0.90, 1.80).withCached(0.45));
        assertThat(table.priceFor("verifier", "sim:default")).isNull();
        // 1M prompt tokens of which 400k cached, 100k completion tokens:
        // 600k x 0.90 + 400k x 0.45 + 100k x 1.80 = 0.54 + 0.18 + 0.18 = 0.90 per 1M.
        assertThat(big.cost(new RoleUsage(3, 1_000_000, 100_000, 400_000, 0)))
                .isCloseTo(0.90, within(1e-12));
        // Without a cached price, cached tokens cost the prompt price.
        assertThat(PriceTable.Price.perMillion(2.0, 4.0).cost(1_000_000, 0, 500_000))
                .isCloseTo(2.0, within(1e-12));
        // A model counting more cached than prompt tokens is taken as all of them cached.
        assertThat(big.cost(10, 0, 20)).isCloseTo(10 * 0.45 / 1e6, within(1e-18));
    }

    @Test
    void aTableBuiltInCodeEqualsTheSameTableReadAndSurvivesJavaSerialisation() throws Exception {
        Path file = dir.resolve("prices.yaml");
        Files.writeString(file, "solver: {prompt: 1, completion: 2}\n");
        PriceTable built =
                PriceTable.builder().role(Role.SOLVER, PriceTable.Price.perMillion(1, 2)).build();

        assertThat(PriceTable.read(file)).isEqualTo(built);
        byte[] bytes = InstantiationUtil.serializeObject(built);
        assertThat(
                        (PriceTable)
                                InstantiationUtil.deserializeObject(
                                        bytes, getClass().getClassLoader()))
                .isEqualTo(built);
    }

    @Test
    void unusablePricesNameTheFileTheEntryAndTheRule() throws Exception {
        assertThat(problem("solver: {prompt: 1, completoin: 2}\n"))
                .contains("entry 'solver': unknown field 'completoin'");
        assertThat(problem("solver: {prompt: 1}\n"))
                .contains("entry 'solver': 'completion' is missing");
        assertThat(problem("solver: {prompt: -1, completion: 2}\n"))
                .contains("'prompt' must be a number >= 0");
        assertThat(problem("solver: {prompt: one, completion: 2}\n"))
                .contains("'prompt' must be a number >= 0");
        assertThat(problem("solver: 0.5\n")).contains("expected {prompt: P, completion: C}");
        assertThat(problem("- solver\n")).contains("expected a map from a role or model binding");
        assertThat(problem("solver: {prompt: [1\n")).contains("cannot be read as YAML");
        assertThatThrownBy(() -> PriceTable.Price.perMillion(Double.NaN, 1))
                .hasMessageContaining("'prompt' price must be a number >= 0");
        assertThatThrownBy(() -> PriceTable.builder().build())
                .hasMessageContaining("at least one entry");
    }

    private String problem(String yaml) throws Exception {
        Path file = Files.createTempFile(dir, "prices", ".yaml");
        Files.writeString(file, yaml);
        try {
            PriceTable.read(file);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith(file.toString());
            return e.getMessage();
        }
        throw new AssertionError("accepted " + yaml);
    }
}
