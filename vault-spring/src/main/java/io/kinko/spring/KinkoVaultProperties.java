package io.kinko.spring;

import java.nio.file.Path;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The vault an application embeds, from {@code kinko.*} properties. A vault on PostgreSQL names
 * its database in its {@code kinko.json} and takes its account from {@code KINKO_DB_USER} and
 * {@code KINKO_DB_PASSWORD_FILE}, never from a property.
 *
 * @param vault the vault's folder ({@code kinko.vault})
 * @param application the name every log entry records as the client application ({@code kinko.application})
 */
@ConfigurationProperties("kinko")
public record KinkoVaultProperties(Path vault, String application) {
  public KinkoVaultProperties {
    Objects.requireNonNull(vault, "kinko.vault: the vault's folder is not set");
    if (application == null || application.isBlank()) {
      throw new IllegalArgumentException("kinko.application: the name the vault's log records for this application is not set");
    }
  }
}
