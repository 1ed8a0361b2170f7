package io.kinko.spring;

import io.kinko.vault.Vault;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.context.annotation.SessionScope;

/**
 * In a servlet web application with a {@link Vault} bean (the auto-configured one or the
 * application's): the {@link OpenSessions} registry, one {@link WebVaultSession} per web session
 * and, with Spring Security present, the {@link VaultAuthenticationProvider} that {@link
 * VaultFormLogin} logs in with. Its provider bean also keeps Boot from making a default user.
 */
@AutoConfiguration(after = KinkoVaultAutoConfiguration.class,
    beforeName = "org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(Vault.class)
public class KinkoWebAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean
  OpenSessions openVaultSessions() {
    return new OpenSessions();
  }

  @Bean
  @SessionScope
  @ConditionalOnMissingBean
  WebVaultSession webVaultSession(OpenSessions registry) {
    return new WebVaultSession(registry);
  }

  /** Only with Spring Security on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.security.authentication.AuthenticationProvider")
  static class Security {
    @Bean
    @ConditionalOnMissingBean
    VaultAuthenticationProvider vaultAuthenticationProvider(Vault vault) {
      return new VaultAuthenticationProvider(vault);
    }
  }
}
