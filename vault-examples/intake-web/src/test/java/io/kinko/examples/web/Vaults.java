package io.kinko.examples.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/** A demo vault of its own for each test class's application context. */
final class Vaults {
  private static final Path ROOT;

  static {
    try {
      ROOT = Files.createTempDirectory("intake-web-tests-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Vaults() {}

  static void register(DynamicPropertyRegistry registry, Class<?> test) {
    registry.add("kinko.vault", () -> ROOT.resolve(test.getSimpleName()).toString());
    registry.add("kinko.demo", () -> "true");
  }

  static String password() {
    return new String(DemoVault.password()); // test only: the demo password is published in the README
  }
}
