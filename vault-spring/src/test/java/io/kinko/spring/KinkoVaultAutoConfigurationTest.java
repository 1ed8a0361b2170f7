package io.kinko.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kinko.vault.LogEntry;
import io.kinko.vault.LogQuery;
import io.kinko.vault.Password;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration in Spring's real container: one vault from the properties, closed with the context. */
class KinkoVaultAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(KinkoVaultAutoConfiguration.class));

  @TempDir Path dir;

  @Test
  void theVault_opensFromTheProperties_logsTheApplication_andClosesWithTheContext() {
    TestVaults.create(dir);
    AtomicReference<Vault> opened = new AtomicReference<>();
    runner.withPropertyValues("kinko.vault=" + dir, "kinko.application=spring-test").run(context -> {
      assertThat(context).hasSingleBean(Vault.class);
      Vault vault = context.getBean(Vault.class);
      opened.set(vault);
      try (Password password = Password.wrap(TestVaults.password()); Session session = vault.login(TestVaults.ADMIN, password)) {
        List<LogEntry> entries = session.logEntries(LogQuery.ALL);
        assertEquals("spring-test", entries.get(entries.size() - 1).application(), entries.toString());
      }
    });
    assertThrows(RuntimeException.class, () -> opened.get().status(), "the vault is still open after its context closed");
  }

  @Test
  void anApplicationsOwnVault_isTheOneBean() {
    TestVaults.create(dir);
    runner.withPropertyValues("kinko.vault=" + dir.resolve("not-a-vault"), "kinko.application=spring-test")
        .withUserConfiguration(OwnVault.class).withBean(Path.class, () -> dir).run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(Vault.class);
          assertSame(context.getBean("ownVault"), context.getBean(Vault.class));
        });
    assertEquals(false, Files.exists(dir.resolve("not-a-vault")), "the auto-configuration opened a vault beside the application's");
  }

  @Test
  void withoutKinkoVault_thereIsNoVault() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Vault.class));
  }

  @Test
  void withoutKinkoApplication_theContextFails_namingTheProperty() {
    TestVaults.create(dir);
    runner.withPropertyValues("kinko.vault=" + dir).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("kinko.application");
    });
  }

  @Test
  void aPreparer_runsBeforeTheVaultOpens() {
    Path empty = dir.resolve("made-by-the-preparer");
    runner.withPropertyValues("kinko.vault=" + empty, "kinko.application=spring-test")
        .withBean(VaultPreparer.class, () -> properties -> TestVaults.create(properties.vault()))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Vault.class));
    assertEquals(true, Files.exists(empty.resolve("kinko.json")));
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnVault {
    @Bean(destroyMethod = "close")
    Vault ownVault(Path dir) {
      return Vault.open(dir, "own");
    }
  }
}
