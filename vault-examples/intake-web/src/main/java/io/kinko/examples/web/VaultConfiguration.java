package io.kinko.examples.web;

import io.kinko.vault.Vault;
import java.nio.file.Files;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** One {@link Vault} for the whole application, closed with it. */
@Configuration(proxyBeanMethods = false)
class VaultConfiguration {
  @Bean(destroyMethod = "close")
  Vault vault(KinkoProperties properties) {
    if (properties.demo() && !Files.exists(properties.vault().resolve("kinko.json"))) {
      DemoVault.create(properties).close();
    }
    // A vault on PostgreSQL takes its account from KINKO_DB_USER and KINKO_DB_PASSWORD_FILE.
    return Vault.open(properties.vault(), properties.application());
  }
}
