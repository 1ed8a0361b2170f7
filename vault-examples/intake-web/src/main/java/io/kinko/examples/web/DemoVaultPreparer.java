package io.kinko.examples.web;

import io.kinko.spring.KinkoVaultProperties;
import io.kinko.spring.VaultPreparer;
import java.nio.file.Files;
import org.springframework.stereotype.Component;

/** With {@code kinko.demo}, makes the demo vault in an empty folder before vault-spring opens it. */
@Component
class DemoVaultPreparer implements VaultPreparer {
  private final DeskProperties desk;

  DemoVaultPreparer(DeskProperties desk) {
    this.desk = desk;
  }

  @Override
  public void prepare(KinkoVaultProperties properties) {
    if (desk.demo() && !Files.exists(properties.vault().resolve("kinko.json"))) {
      DemoVault.create(properties, desk).close();
    }
  }
}
