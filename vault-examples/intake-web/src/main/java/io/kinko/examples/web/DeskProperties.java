package io.kinko.examples.web;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The desk's own {@code kinko.*} properties; the vault's ({@code kinko.vault}, {@code
 * kinko.application}) are vault-spring's {@link io.kinko.spring.KinkoVaultProperties}.
 *
 * @param demo create a demo vault (users, a folder with a grant and one without) if the folder holds none
 * @param jdbcUrl the demo vault's metadata on PostgreSQL instead of the embedded H2 (the account
 *     from {@code KINKO_DB_USER}/{@code KINKO_DB_PASSWORD}); an existing vault names its own in {@code kinko.json}
 * @param folders the desk's folders, offered for upload and browsing by number (never by name in a URL)
 */
@ConfigurationProperties("kinko")
public record DeskProperties(@DefaultValue("false") boolean demo, String jdbcUrl, @DefaultValue({"受付", "相談記録"}) List<String> folders) {
  public DeskProperties {
    folders = List.copyOf(folders);
  }
}
