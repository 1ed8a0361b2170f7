package io.kinko.vault;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Vaults for tests: the cheapest password cost the library accepts, one admin. */
final class TestVaults {
  static final String ADMIN = "sato";
  static final char[] PASSWORD = "correct horse battery staple".toCharArray();
  static final Contract CONTRACT = new Contract("R8-情報-0042", "横浜市", "Kinko 株式会社", LocalDate.of(2027, 3, 31));

  private TestVaults() {}

  /** A new vault whose administrator holds every permission on the whole vault. */
  static Vault create(Path dir) {
    Vault vault;
    try (Password password = Password.copyOf(PASSWORD)) {
      vault = Vault.builder(dir).contract(CONTRACT).admin(ADMIN, password).passwordCost(PasswordCost.MINIMUM).create();
    }
    grantAll(vault, ADMIN);
    return vault;
  }

  static void grantAll(Vault vault, String user) {
    try (Session s = login(vault)) {
      s.administration().grant(user, "", java.util.EnumSet.allOf(Permission.class));
    }
  }

  static Session login(Vault vault) {
    try (Password password = Password.copyOf(PASSWORD)) {
      return vault.login(ADMIN, password);
    }
  }

  static byte[] randomBytes(long seed, int size) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  static FileInfo put(Session session, String path, byte[] content) {
    return session.put(path, new ByteArrayInputStream(content));
  }

  static byte[] readAll(Session session, String path) {
    try (InputStream in = session.get(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The blob file of a stored version. */
  static Path blobOf(Vault vault, String fileId) {
    return vault.directory().resolve("blobs").resolve(fileId.substring(0, 2)).resolve(fileId);
  }

  /** Every file under {@code dir}, for scanning a vault folder for leaks. */
  static List<Path> filesUnder(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
