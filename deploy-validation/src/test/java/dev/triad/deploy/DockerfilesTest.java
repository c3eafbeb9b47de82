package dev.triad.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfiles under deploy/docker/ (build context: the repository root, after the jobs module's
 * package, which runs before this module in the reactor): base image pinned, every COPY/ADD source
 * present (a glob matching exactly one file), a non-root USER, an ENTRYPOINT or CMD, and every
 * script copied in parses with {@code bash -n}. The FlinkDeployments' {@code local://} jar is where
 * the job image copies it.
 */
class DockerfilesTest {

    @TempDir Path dir;

    static List<Path> dockerfiles() throws IOException {
        Path docker = Repo.root().resolve("deploy/docker");
        if (!Files.isDirectory(docker)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(docker)) {
            return files.filter(f -> f.getFileName().toString().equals("Dockerfile"))
                    .sorted()
                    .toList();
        }
    }

    @TestFactory
    List<DynamicTest> everyDockerfilePasses() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : dockerfiles()) {
            tests.add(
                    DynamicTest.dynamicTest(
                            Repo.root().relativize(file).toString(),
                            () -> assertThat(Dockerfile.parse(file).check(Repo.root())).isEmpty()));
        }
        assertThat(tests).isNotEmpty();
        return tests;
    }

    @Test
    void theFlinkDeploymentsJarIsWhereTheJobImageCopiesIt() {
        Dockerfile job = Dockerfile.parse(Repo.root().resolve("deploy/docker/job/Dockerfile"));
        List<String> destinations = new ArrayList<>();
        for (Dockerfile.Instruction copy : job.all("COPY")) {
            destinations.add(copy.args().get(copy.args().size() - 1));
        }
        Overlays.real()
                .forEach(
                        (name, objects) -> {
                            for (Manifest m : objects) {
                                String jar = m.at("/spec/job/jarURI").asText("");
                                if (m.kind().equals("FlinkDeployment")
                                        && jar.startsWith("local://")) {
                                    assertThat(destinations)
                                            .as(m + ": spec.job.jarURI " + jar)
                                            .contains(jar.substring("local://".length()));
                                }
                            }
                        });
    }

    private Dockerfile write(String text) throws IOException {
        Path file = dir.resolve("Dockerfile");
        Files.writeString(file, text);
        return Dockerfile.parse(file);
    }

    @Test
    void eachMistakeIsReported() throws IOException {
        Files.createDirectories(dir.resolve("target"));
        Files.writeString(dir.resolve("target/a-1-job.jar"), "");
        Files.writeString(dir.resolve("target/a-2-job.jar"), "");
        Files.writeString(dir.resolve("broken.sh"), "#!/bin/sh\nif true; then\n  echo x\n");
        Dockerfile bad =
                write(
                        "# a comment\n"
                                + "FROM flink\n"
                                + "COPY --chown=flink:flink target/a-*-job.jar \\\n"
                                + "     /opt/flink/usrlib/job.jar\n"
                                + "COPY missing/file /opt/x\n"
                                + "COPY broken.sh /opt/broken.sh\n"
                                + "USER root\n");

        assertThat(bad.check(dir))
                .containsExactly(
                        "Dockerfile:2: FROM image 'flink' has no tag (it means :latest); pin a"
                                + " version tag or a digest",
                        "Dockerfile:3: COPY target/a-*-job.jar matches 2 files, not one: ["
                                + dir.resolve("target/a-1-job.jar")
                                + ", "
                                + dir.resolve("target/a-2-job.jar")
                                + "]",
                        "Dockerfile:5: COPY missing/file matches nothing in the build context "
                                + dir
                                + " (build the jobs module first?)",
                        "Dockerfile:6: broken.sh does not parse (bash -n): bash -n script exited"
                                + " with 2: script: line 4: syntax error: unexpected end of file",
                        "Dockerfile:7: USER root is root",
                        "Dockerfile: neither ENTRYPOINT nor CMD");
    }

    @Test
    void noUserMeansRoot() throws IOException {
        assertThat(write("FROM debian:12.7\nCMD [\"true\"]\n").check(dir))
                .containsExactly("Dockerfile: no USER: the image runs as root");
    }

    @Test
    void theParserReadsJsonFormAndFlags() throws IOException {
        Dockerfile d =
                write(
                        "FROM flink:2.2.1-java17 AS base\n"
                                + "COPY --chown=flink:flink --chmod=755 a b /dst/\n"
                                + "ENTRYPOINT [\"/opt/triad/bin/triad\", \"simulate-server\"]\n");

        assertThat(d.all("COPY").get(0).flags())
                .containsExactly("--chown=flink:flink", "--chmod=755");
        assertThat(d.all("COPY").get(0).args()).containsExactly("a", "b", "/dst/");
        assertThat(d.all("ENTRYPOINT").get(0).args())
                .containsExactly("/opt/triad/bin/triad", "simulate-server");
    }
}
