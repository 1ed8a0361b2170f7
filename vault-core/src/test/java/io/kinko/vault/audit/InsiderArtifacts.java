package io.kinko.vault.audit;

import com.google.crypto.tink.subtle.Ed25519Sign;
import io.kinko.vault.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reports in {@code artifacts/} re-signed, with their checkpoints, by a key whose private half
 * the tests hold (Ed25519 seed: 32 bytes of 0x07). An edit under the vault's own key never gets
 * past the signature; an edit signed with this key reaches what lies behind it (the strict parse,
 * the checkpoints, the proofs), as a report from a faulty or hostile writer with the key would.
 */
final class InsiderArtifacts {
  private static final Ed25519Sign.KeyPair PAIR = pair();
  /** The insider's public key as an auditor gives it. */
  static final String KEY = SigningKey.toPem(PAIR.getPublicKey());

  private InsiderArtifacts() {}

  private static Ed25519Sign.KeyPair pair() {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) 7);
    try {
      return Ed25519Sign.KeyPair.newKeyPairFromSeed(seed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The insider's Ed25519 signature of {@code bytes}. */
  static byte[] sign(byte[] bytes) {
    try {
      return new Ed25519Sign(PAIR.getPrivateKey()).sign(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code json}, a report's canonical JSON, as the insider's vault would have written it: every
   * checkpoint note in it signed again, its signing key's fingerprint the insider's, and the
   * previous report's SHA-256 {@code previousSha256} when it names one.
   */
  static byte[] resigned(byte[] json, String previousSha256) {
    Map<String, Object> report = copy(CanonicalJson.parse(json));
    String vault = (String) report.get("vault");
    object(report, "signingKey").put("fingerprint", SigningKey.fingerprint(PAIR.getPublicKey()));
    Map<String, Object> checkpoint = object(report, "checkpoint");
    checkpoint.put("note", resigned((String) checkpoint.get("note"), vault));
    if (report.get("previous") != null) {
      Map<String, Object> previous = object(report, "previous");
      previous.put("checkpoint", resigned((String) previous.get("checkpoint"), vault));
      previous.put("sha256", previousSha256);
    }
    return CanonicalJson.encode(report);
  }

  private static String resigned(String note, String vault) {
    try {
      NoteSigner signer = NoteSigner.ed25519(LogCheckpoints.origin(vault), PAIR.getPublicKey(), new Ed25519Sign(PAIR.getPrivateKey()));
      return new String(SignedNote.sign(SignedNote.parse(note).text(), signer).toBytes(), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Map<String, Object> parent, String name) {
    return (Map<String, Object>) parent.get(name);
  }

  /** A deep copy that can be changed (the parse returns unmodifiable maps and lists). */
  @SuppressWarnings("unchecked")
  private static <T> T copy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put((String) k, copy(v)));
      return (T) out;
    }
    if (value instanceof List<?> list) {
      return (T) list.stream().map(InsiderArtifacts::copy).toList();
    }
    return (T) value;
  }
}
