package io.kinko.examples.web;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The vault this application embeds, from {@code kinko.*} properties.
 *
 * @param vault the vault's folder
 * @param application the name every log entry records as the client application
 * @param demo create a demo vault (users, a folder with a grant and one without) if the folder holds none
 * @param jdbcUrl the demo vault's metadata on PostgreSQL instead of the embedded H2 (the account
 *     from {@code KINKO_DB_USER}/{@code KINKO_DB_PASSWORD}); an existing vault names its own in {@code kinko.json}
 * @param folders the desk's folders, offered for upload and browsing by number (never by name in a URL)
 */
@ConfigurationProperties("kinko")
public record KinkoProperties(Path vault, @DefaultValue("intake-web") String application, @DefaultValue("false") boolean demo,
    String jdbcUrl, @DefaultValue({"受付", "相談記録"}) List<String> folders) {
  public KinkoProperties {
    Objects.requireNonNull(vault, "kinko.vault: the vault's folder is not set");
    folders = List.copyOf(folders);
  }
}
