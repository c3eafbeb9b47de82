package dev.triad.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages of {@code dev.triad.jobs} import each other without a circle: {@code cli} (commands)
 * on top, then {@code report} (rendering), {@code eval} (computation), the job and its exception,
 * {@code parse}, {@code progress} and {@code io}. Reads the compiled main classes.
 */
class PackageCyclesTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("dev.triad.jobs");
    }

    @Test
    void thePackagesFormNoCycle() {
        // One slice per package, the root package included ("jobs", "jobs.cli", ...).
        slices().matching("dev.triad.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void onlyCommandsKnowTheCommandLine() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.triad.jobs.cli")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.triad.jobs.cli")
                .check(classes);
    }
}
