package io.kinko.vault.acl;

import io.kinko.vault.IntegrityException;
import io.kinko.vault.Permission;
import io.kinko.vault.UserInfo;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.VaultKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Keyed tags over the rows that grant access: a user's name, role, chief flag and expiry, and a
 * grant's user, prefix tag and permissions. Only a session holding the vault's keys can write a
 * valid tag, so an edit made in the database file is caught where the row is used.
 */
public final class RowSeal {
  private RowSeal() {}

  public static String of(VaultKeys keys, UserInfo user) {
    return Bytes.hex(keys.tag("user-row", Bytes.label("user", utf8(user.name()), utf8(user.role().name()),
        utf8(Boolean.toString(user.chief())), utf8(String.valueOf(user.expires())))));
  }

  public static String of(VaultKeys keys, String user, String prefixTag, Set<Permission> permissions) {
    return Bytes.hex(keys.tag("grant-row", Bytes.label("grant", utf8(user), utf8(prefixTag), utf8(Permission.format(permissions)))));
  }

  /** @throws IntegrityException if {@code stored} is not the seal {@code expected} */
  public static void check(String expected, String stored, String what) {
    if (stored == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), stored.getBytes(StandardCharsets.US_ASCII))) {
      throw new IntegrityException(what + " was changed in the database outside Kinko");
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
