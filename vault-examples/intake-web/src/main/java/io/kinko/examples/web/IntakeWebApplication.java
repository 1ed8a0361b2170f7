package io.kinko.examples.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The intake desk on the web: staff log in with their vault user, upload scanned forms into their
 * folder, download what their grants allow and delete with a certificate; an administrator sees
 * the users and the access log. One {@link io.kinko.vault.Vault} for the application, one vault
 * {@link io.kinko.vault.Session} per web session, both from vault-spring's auto-configuration.
 */
@SpringBootApplication
@EnableConfigurationProperties(DeskProperties.class)
public class IntakeWebApplication {
  public static void main(String[] args) {
    SpringApplication.run(IntakeWebApplication.class, args);
  }
}
