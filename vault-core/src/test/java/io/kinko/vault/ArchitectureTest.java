package io.kinko.vault;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The layout's rules, checked on the compiled library (STYLE.md, issue #9): the public package is
 * the API — interfaces, records, enums and exceptions, plus the few holders named here — and
 * depends on no implementation package; the implementation packages form no cycle.
 */
class ArchitectureTest {
  private static final JavaClasses LIBRARY = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.kinko.vault");

  /** Plain classes the API holds on purpose: secret holders, the builder, the provider's holder. */
  private static final Set<String> API_CLASSES = Set.of(
      "io.kinko.vault.Password", "io.kinko.vault.RecoveryKey", "io.kinko.vault.DatabaseAccount", "io.kinko.vault.Vault$Builder", "io.kinko.vault.VaultProvider$Holder");

  @Test
  void theRules_seeTheWholeLibrary() {
    assertEquals(true, LIBRARY.contain("io.kinko.vault.engine.DefaultVault") && LIBRARY.contain("io.kinko.vault.state.VaultState")
        && LIBRARY.contain("io.kinko.vault.Vault"), "the importer found no classes: every rule below would pass on nothing");
  }

  @Test
  void theApiPackage_dependsOnNoImplementationPackage() {
    noClasses().that().resideInAPackage("io.kinko.vault")
        .should().dependOnClassesThat().resideInAPackage("io.kinko.vault.(*)..")
        .because("the implementation sits behind the API; the API reaches it only through VaultProvider")
        .check(LIBRARY);
  }

  @Test
  void theImplementationPackages_formNoCycle() {
    slices().matching("io.kinko.vault.(*)..").should().beFreeOfCycles().check(LIBRARY);
  }

  @Test
  void theApiPackage_holdsInterfacesRecordsEnumsAndExceptions() {
    List<String> others = LIBRARY.stream()
        .filter(c -> c.getPackageName().equals("io.kinko.vault"))
        .filter(c -> !c.isInterface() && !c.isEnum() && !c.reflect().isRecord() && !c.isAssignableTo(Throwable.class))
        .filter(c -> !c.isAnonymousClass() && !c.getName().contains("$$"))
        .map(JavaClass::getName)
        .filter(n -> !API_CLASSES.contains(n))
        .sorted()
        .toList();
    assertEquals(List.of(), others, "classes with logic belong in an implementation package");
  }

  @Test
  void onlyTheEngine_knowsTheApisImplementations() {
    noClasses().that().resideOutsideOfPackage("io.kinko.vault.engine..")
        .should().dependOnClassesThat().resideInAPackage("io.kinko.vault.engine..")
        .check(LIBRARY);
  }
}
