package io.kinko.spring;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** vault-spring is an application of the library like any other: it sees the public API only. */
class SpringArchitectureTest {
  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.kinko.spring");

  @Test
  void theSpringGlue_usesOnlyThePublicVaultApi() {
    noClasses().that().resideInAPackage("io.kinko.spring..")
        .should().dependOnClassesThat(resideInAPackage("io.kinko..").and(not(resideInAnyPackage("io.kinko.vault", "io.kinko.spring.."))))
        .check(CLASSES);
  }

  @Test
  void theRuleSeesTheClasses() {
    // an empty import would pass the rule above whatever the code did
    org.junit.jupiter.api.Assertions.assertTrue(CLASSES.contain(PasswordLoginFilter.class));
  }
}
