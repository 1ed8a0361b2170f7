package io.kinko.spring;

import io.kinko.vault.Vault;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * One {@link Vault} for the application, opened from {@code kinko.vault} and {@code
 * kinko.application} and closed with the context. An application that defines its own {@code
 * Vault} bean gets none from here. It touches neither the application's DataSource nor its Flyway:
 * the vault's database is its own, migrated by the library.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "kinko", name = "vault")
@EnableConfigurationProperties(KinkoVaultProperties.class)
public class KinkoVaultAutoConfiguration {
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Vault vault(KinkoVaultProperties properties, ObjectProvider<VaultPreparer> preparers) {
    preparers.orderedStream().forEach(p -> p.prepare(properties));
    return Vault.open(properties.vault(), properties.application());
  }
}
