package dev.triad.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.triad.jobs.eval.EvalReport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Opens written reports in Debian's headless Chromium (from {@code file://}) and checks that they
 * load with no console error and no request at all, that every chart renders into a non-empty SVG,
 * and that result text stays text. Screenshots go to {@code target/report-screenshots/}.
 *
 * <p>Needs {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} ({@code .ci/run} installs
 * them); the driver is given explicitly so Selenium Manager downloads nothing.
 */
class HtmlReportITCase {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "report-screenshots");

    @TempDir Path dir;

    private ChromeDriver driver;

    @BeforeEach
    void startChromium() throws Exception {
        boolean ci = System.getenv("CI") != null;
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        // In CI a missing browser is a failure (.ci/run installs it), elsewhere a skip.
        if (ci) {
            assertThat(present).as("chromium and chromedriver installed by .ci/run").isTrue();
        }
        assumeTrue(present, "Debian's chromium and chromium-driver are not installed");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory(dir, "profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1300, 2400));
    }

    @AfterEach
    void stopChromium() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void twoStrategiesWithGoldRenderOffline() throws Exception {
        Path results = ReportFixtures.twoStrategiesWithGold(dir.resolve("run"), true);
        Path page = write(results, "two-strategies.html");

        List<String> charts = open(page, "two-strategies");

        assertThat(charts)
                .containsExactly(
                        "chart-accuracy",
                        "chart-slice-0",
                        "chart-slice-1",
                        "chart-verifier-classes",
                        "chart-calls",
                        "chart-tokens",
                        "chart-throughput",
                        "chart-latency");
        WebElement banner = driver.findElement(By.id("simulated-banner"));
        assertThat(banner.isDisplayed()).isTrue();
        assertThat(banner.getText()).contains("SIMULATED");
        // The hostile subquestion is shown as text and its script never ran.
        assertThat(js("return typeof window.pwned")).isEqualTo("undefined");
        WebElement q7 = driver.findElement(By.xpath("//details[summary[starts-with(., 'q-7 ')]]"));
        q7.findElement(By.tagName("summary")).click();
        assertThat(q7.getText()).contains("</script><script>window.pwned=1</script>");
        assertThat(driver.findElements(By.cssSelector("#questions img"))).isEmpty();
    }

    @Test
    void labelingRunWithoutGoldRendersWithoutAccuracy() throws Exception {
        Path results = ReportFixtures.labelingRun(dir.resolve("label"));
        Path page = write(results, "labeling.html");

        List<String> charts = open(page, "labeling");

        assertThat(charts)
                .doesNotContain("chart-accuracy")
                .contains("chart-calls", "chart-latency");
        assertThat(driver.findElements(By.id("accuracy"))).isEmpty();
        assertThat(driver.findElements(By.id("simulated-banner"))).isEmpty();
        assertThat(driver.findElement(By.id("no-gold")).getText()).contains("labeling run");
    }

    private Path write(Path results, String name) throws Exception {
        EvalReport report = ReportFixtures.evaluate(results);
        Path page = dir.resolve(name);
        HtmlReport.write(report, List.of(results), page);
        return page;
    }

    /**
     * Loads the page, waits for the charts, checks console and requests, keeps a screenshot.
     *
     * @return the ids of the chart containers, each checked to hold a drawn SVG
     */
    @SuppressWarnings("unchecked")
    private List<String> open(Path page, String screenshot) throws Exception {
        driver.get(page.toUri().toString());
        new WebDriverWait(driver, Duration.ofSeconds(60))
                .until(d -> js("return document.body.getAttribute('data-charts')") != null);

        Files.createDirectories(SCREENSHOTS);
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(
                shot.toPath(),
                SCREENSHOTS.resolve(screenshot + ".png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        List<LogEntry> console = driver.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(console)
                .as("console messages at WARNING or above")
                .filteredOn(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .isEmpty();
        assertThat(js("return document.body.getAttribute('data-charts')")).isEqualTo("rendered");
        // Everything is inline: not one resource was fetched (file, http or otherwise).
        assertThat(
                        (List<Object>)
                                js(
                                        "return performance.getEntriesByType('resource').map(e => e.name)"))
                .isEmpty();

        List<Map<String, Object>> charts =
                (List<Map<String, Object>>)
                        js(
                                "return [...document.querySelectorAll('.chart')].map(c => ({id: c.id,"
                                        + " marks: c.querySelectorAll('svg path, svg rect, svg line').length,"
                                        + " width: (c.querySelector('svg') || {clientWidth: 0}).clientWidth}))");
        assertThat(charts).isNotEmpty();
        for (Map<String, Object> chart : charts) {
            assertThat(((Number) chart.get("marks")).longValue())
                    .as("marks in " + chart.get("id"))
                    .isPositive();
            assertThat(((Number) chart.get("width")).longValue())
                    .as("width of " + chart.get("id"))
                    .isPositive();
        }
        return charts.stream().map(c -> (String) c.get("id")).toList();
    }

    private Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }
}
