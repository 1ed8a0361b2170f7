package io.kinko.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The command is an application of the library like any other: it reaches the vault only through
 * the public API package, never an implementation package (its shaded jar has no module
 * descriptor to enforce that at run time, so this test does at build time).
 */
class CliArchitectureTest {
  @Test
  void theCommand_usesOnlyTheLibrarysApiPackage() {
    noClasses().that().resideInAPackage("io.kinko.cli..")
        .should().dependOnClassesThat().resideInAPackage("io.kinko.vault.(*)..")
        .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.kinko.cli"));
  }
}
