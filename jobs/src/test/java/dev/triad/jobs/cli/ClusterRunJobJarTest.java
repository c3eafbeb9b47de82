package dev.triad.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.triad.jobs.UsageException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which job jar {@code triad run --jobmanager} uploads ({@link ClusterRun#jobJar}). */
class ClusterRunJobJarTest {

    @TempDir Path dir;

    private Path jar(String path, String... entries) throws IOException {
        Path jar = dir.resolve(path);
        Files.createDirectories(jar.getParent());
        try (OutputStream file = Files.newOutputStream(jar);
                ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("dev/triad/jobs/cli/TriadCli.class"));
            for (String entry : entries) {
                zip.putNextEntry(new ZipEntry(entry));
            }
        }
        return jar;
    }

    @Test
    void inTheContainerImageTheJarTriadRunsFromIsUploaded() throws Exception {
        Path image = jar("opt/flink/usrlib/triad-job.jar");

        assertThat(ClusterRun.jobJar(null, null, image)).isEqualTo(image.toAbsolutePath());
    }

    @Test
    void aShadedJarUnderAnotherNameIsKnownByItsContent() throws Exception {
        Path shaded = jar("opt/app/triad.jar", "dev/triad/reasoning/Reasoning.class");
        jar("opt/app/triad-jobs-0.1.0-job.jar");

        assertThat(ClusterRun.jobJar(null, null, shaded)).isEqualTo(shaded.toAbsolutePath());
    }

    @Test
    void fromTheBuildTheNewestJobJarBesideTheClassesIsUploaded() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("jobs/target/classes"));
        Path thin = jar("jobs/target/triad-jobs-0.1.0-SNAPSHOT.jar");
        Path older = jar("jobs/target/triad-jobs-0.0.9-job.jar");
        Files.setLastModifiedTime(older, java.nio.file.attribute.FileTime.fromMillis(1_000));
        Path job = jar("jobs/target/triad-jobs-0.1.0-SNAPSHOT-job.jar");

        assertThat(ClusterRun.jobJar(null, null, classes)).isEqualTo(job);
        assertThat(ClusterRun.jobJar(null, null, thin)).as("the plain jar").isEqualTo(job);
    }

    @Test
    void thePropertyWinsOverTheEnvironmentWhichWinsOverTheJarTriadRunsFrom() throws Exception {
        Path image = jar("opt/flink/usrlib/triad-job.jar");
        Path fromEnv = jar("elsewhere/env-job.jar");
        Path fromProperty = jar("elsewhere/property.jar");

        assertThat(ClusterRun.jobJar(null, fromEnv.toString(), image))
                .isEqualTo(fromEnv.toAbsolutePath());
        assertThat(ClusterRun.jobJar(fromProperty.toString(), fromEnv.toString(), image))
                .isEqualTo(fromProperty.toAbsolutePath());
        assertThat(ClusterRun.jobJar(" ", "", image)).as("blank is unset").isEqualTo(image);
    }

    @Test
    void aMissingJarIsAUsageErrorThatSaysWhereItLooked() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("jobs/target/classes"));

        assertThatThrownBy(() -> ClusterRun.jobJar(null, "/nowhere/triad-job.jar", classes))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("TRIAD_JOB_JAR=/nowhere/triad-job.jar: no such file.");
        assertThatThrownBy(() -> ClusterRun.jobJar(null, null, classes))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("is not in " + classes.getParent())
                .hasMessageContaining("TRIAD_JOB_JAR");
    }
}
