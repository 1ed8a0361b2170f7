package io.kinko.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kinko.vault.Password;
import io.kinko.vault.Session;
import io.kinko.vault.Vault;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The session-scoped holder in Spring's web container: the vault session of one web session is
 * closed when that web session is invalidated (logout and timeout both invalidate it), and a
 * second login in the same web session closes the first vault session.
 */
class WebVaultSessionTest {
  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(KinkoVaultAutoConfiguration.class, KinkoWebAutoConfiguration.class));

  @TempDir Path dir;

  @AfterEach
  void noRequest() {
    RequestContextHolder.resetRequestAttributes();
  }

  @Test
  void invalidatingTheWebSession_closesItsVaultSession() {
    TestVaults.create(dir);
    runner.withPropertyValues("kinko.vault=" + dir, "kinko.application=spring-test").run(context -> {
      assertThat(context).hasSingleBean(VaultAuthenticationProvider.class);
      OpenSessions open = context.getBean(OpenSessions.class);
      MockHttpSession web = inRequest();
      Session session = login(context.getBean(Vault.class));
      WebVaultSession holder = context.getBean(WebVaultSession.class);
      holder.open(session);
      assertSame(session, holder.session());
      assertTrue(open.holds(TestVaults.ADMIN));

      web.invalidate();
      assertFalse(open.holds(TestVaults.ADMIN), "the vault session outlived its web session");
      assertEquals(0, open.count());
      assertThrows(IllegalStateException.class, () -> session.list(""), "the vault session is still usable");
    });
  }

  @Test
  void aSecondLogin_inTheSameWebSession_closesTheFirstVaultSession() {
    TestVaults.create(dir);
    runner.withPropertyValues("kinko.vault=" + dir, "kinko.application=spring-test").run(context -> {
      inRequest();
      Vault vault = context.getBean(Vault.class);
      WebVaultSession holder = context.getBean(WebVaultSession.class);
      Session first = login(vault);
      holder.open(first);
      Session second = login(vault);
      holder.open(second);
      assertThrows(IllegalStateException.class, () -> first.list(""), "the first vault session is still usable");
      assertSame(second, holder.session());
      assertEquals(1, context.getBean(OpenSessions.class).count());
    });
  }

  @Test
  void aWebSessionNeverLoggedIn_hasNoVaultSession() {
    TestVaults.create(dir);
    runner.withPropertyValues("kinko.vault=" + dir, "kinko.application=spring-test").run(context -> {
      inRequest();
      assertThrows(IllegalStateException.class, () -> context.getBean(WebVaultSession.class).session());
    });
  }

  @Test
  void outsideAWebApplication_thereIsNoSessionHolder() {
    TestVaults.create(dir);
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(KinkoVaultAutoConfiguration.class, KinkoWebAutoConfiguration.class))
        .withPropertyValues("kinko.vault=" + dir, "kinko.application=spring-test")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(Vault.class).doesNotHaveBean(WebVaultSession.class));
  }

  private static MockHttpSession inRequest() {
    MockHttpServletRequest request = new MockHttpServletRequest();
    MockHttpSession session = new MockHttpSession();
    request.setSession(session);
    RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
    return session;
  }

  private static Session login(Vault vault) {
    try (Password password = Password.wrap(TestVaults.password())) {
      return vault.login(TestVaults.ADMIN, password);
    }
  }
}
