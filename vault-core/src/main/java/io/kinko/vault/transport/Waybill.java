package io.kinko.vault.transport;

import io.kinko.vault.CertificateBody;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.Transport;
import io.kinko.vault.audit.CanonicalJson;
import io.kinko.vault.audit.JsonFields;
import io.kinko.vault.audit.LogProofs;
import io.kinko.vault.crypto.Bytes;
import io.kinko.vault.crypto.SigningKey;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The waybill (送付状) of a transport package, and its one encoding: canonical JSON (RFC 8785),
 * signed detached with the sending vault's Ed25519 key, stored as {@code waybill.json} and {@code
 * waybill.json.sig}, the last two members of the package's tar. Its files are listed in the order
 * of the tar's {@code files/} members, which is how an importer matches them: the names are given
 * only as the vault's naming policy allows (a keyed tag always; the path under "plain"; sealed to
 * the city under "sealed").
 *
 * <p>The EXPORT entry is written before the package and cannot name the package's digest; it names
 * the export id and {@link #fileListSha256} (each file's id, tag and size, in order), which a
 * verifier recomputes from the waybill. The EXPORT_SEALED entry, written once the package is synced
 * and before it is renamed into place, names the package's SHA-256.
 */
public record Waybill(String exportId, String vault, String keyFingerprint, String publicKeyPem, List<String> recipients,
    Instant createdAt, String createdBy, String names, List<File> files, CertificateBody.LogProof exportEntry,
    CertificateBody.SignedCheckpoint checkpoint) {
  public static final String FORMAT = "kinko-waybill/1";
  public static final String JSON = "waybill.json";
  public static final String SIGNATURE = "waybill.json.sig";
  /** Where the files sit in the tar, so that no stored name can collide with the waybill's. */
  public static final String FILES = "files/";
  /**
   * An export or vault id as a vault makes one. An unpinned waybill's maker chooses both: the importer
   * names the receipt's file after the export id and prints the vault id beside "(UNPINNED)".
   */
  private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[0-9a-f]{32}");

  /** One file: the vault's id of the version exported, its tag, its name as the policy allows, size and SHA-256 of its bytes. */
  public record File(String fileId, String nameTag, String path, String sealedPath, long size, String sha256) {
    public File {
      Objects.requireNonNull(fileId, "fileId");
      Objects.requireNonNull(nameTag, "nameTag");
      Objects.requireNonNull(sha256, "sha256");
    }

    public Transport.Item item() {
      return new Transport.Item(path, nameTag, sealedPath, size, sha256);
    }
  }

  public Waybill {
    Objects.requireNonNull(exportId, "exportId");
    files = List.copyOf(files);
    recipients = List.copyOf(recipients);
  }

  /** What the EXPORT entry commits to before any byte is read: the SHA-256 of the files' ids, tags and sizes, in order. */
  public static String fileListSha256(List<String> fileIds, List<String> nameTags, List<Long> sizes) {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < fileIds.size(); i++) {
      list.add(Map.of("fileId", fileIds.get(i), "nameTag", nameTags.get(i), "size", sizes.get(i)));
    }
    return sha256(CanonicalJson.encode(list));
  }

  /** This waybill's file list digest, as its EXPORT entry must name it. */
  public String fileListSha256() {
    return fileListSha256(files.stream().map(File::fileId).toList(), files.stream().map(File::nameTag).toList(),
        files.stream().map(File::size).toList());
  }

  /** What the EXPORT entry's reason says; {@link #fileListSha256} is checked against it on import. */
  public static String exportReason(String exportId, int files, long bytes, String listSha256, List<String> recipients) {
    return "export " + exportId + "; files " + files + "; bytes " + bytes + "; list sha256 " + listSha256 + "; to " + String.join(",", recipients);
  }

  public byte[] encode() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("exportId", exportId);
    m.put("vault", vault);
    m.put("signingKey", Map.of("algorithm", "Ed25519", "fingerprint", keyFingerprint, "publicKey", publicKeyPem));
    m.put("recipients", recipients);
    m.put("createdAt", createdAt.toString());
    m.put("createdBy", createdBy);
    m.put("names", names);
    List<Object> list = new ArrayList<>();
    for (File f : files) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("fileId", f.fileId());
      one.put("nameTag", f.nameTag());
      if (f.path() != null) {
        one.put("path", f.path());
      }
      if (f.sealedPath() != null) {
        one.put("sealedPath", f.sealedPath());
      }
      one.put("size", f.size());
      one.put("sha256", f.sha256());
      list.add(one);
    }
    m.put("files", list);
    m.put("fileListSha256", fileListSha256());
    m.put("log", Map.of("entry", LogProofs.json(exportEntry), "checkpoint",
        Map.of("treeSize", checkpoint.treeSize(), "checkpoint", checkpoint.checkpoint())));
    return CanonicalJson.encode(m);
  }

  /**
   * Reads a waybill strictly: canonical JSON of this format, no unknown field.
   *
   * @throws IntegrityException otherwise
   */
  public static Waybill parse(byte[] json) {
    JsonFields f = JsonFields.canonical(json, "the waybill");
    if (!FORMAT.equals(f.text("format"))) {
      throw f.refused("format", "is not " + FORMAT);
    }
    JsonFields key = f.object("signingKey");
    if (!"Ed25519".equals(key.text("algorithm"))) {
      throw key.refused("algorithm", "is not Ed25519");
    }
    String fingerprint = key.text("fingerprint");
    String pem = key.done(key.text("publicKey"));
    List<File> files = new ArrayList<>();
    for (JsonFields one : f.objects("files")) {
      files.add(one.done(new File(one.text("fileId"), one.text("nameTag"), one.optionalText("path"), one.optionalText("sealedPath"),
          nonNegative(one, "size"), one.text("sha256"))));
    }
    JsonFields log = f.object("log");
    CertificateBody.LogProof entry = LogProofs.read(log.object("entry"));
    JsonFields cp = log.object("checkpoint");
    CertificateBody.SignedCheckpoint checkpoint = cp.done(new CertificateBody.SignedCheckpoint(cp.number("treeSize"), cp.text("checkpoint")));
    log.done(null);
    String listSha256 = f.text("fileListSha256");
    Waybill w = f.done(new Waybill(id(f, "exportId"), id(f, "vault"), fingerprint, pem, f.texts("recipients"), f.instant("createdAt"),
        f.text("createdBy"), f.text("names"), files, entry, checkpoint));
    if (!w.fileListSha256().equals(listSha256)) {
      throw new IntegrityException("the waybill's fileListSha256 is not the digest of its file list");
    }
    return w;
  }

  private static String id(JsonFields f, String name) {
    String id = f.text(name);
    if (!ID.matcher(id).matches()) {
      throw f.refused(name, "is not an id as a vault makes one (32 hexadecimal digits)");
    }
    return id;
  }

  private static long nonNegative(JsonFields f, String name) {
    long n = f.number(name);
    if (n < 0) {
      throw f.refused(name, "is negative");
    }
    return n;
  }

  /**
   * Checks a waybill against its signature and returns it: signed by {@code pinnedKeyPem} when
   * given, else by the key it embeds; the key it names is the key that signed; its EXPORT entry is
   * proved against its checkpoint and names this export and file list.
   *
   * @throws IntegrityException if any of that fails
   */
  public static Waybill verify(byte[] json, byte[] signature, String pinnedKeyPem) {
    Waybill w = parse(json);
    byte[] key = SignedJson.publicKey(pinnedKeyPem != null ? pinnedKeyPem : w.publicKeyPem(), "the waybill");
    SignedJson.checkSignature(json, signature, key, "the waybill");
    if (!SigningKey.fingerprint(key).equals(w.keyFingerprint())
        || !java.util.Arrays.equals(key, SignedJson.publicKey(w.publicKeyPem(), "the waybill"))) {
      throw new IntegrityException("the waybill names the key " + w.keyFingerprint() + ", not the key " + SigningKey.fingerprint(key)
          + " that signed it");
    }
    var entry = SignedJson.provedEntry(w.exportEntry(), w.checkpoint(), w.vault(), key, io.kinko.vault.Action.EXPORT.name(), "the waybill");
    if (entry.reason() == null || !entry.reason().startsWith("export " + w.exportId() + ";")
        || !entry.reason().contains("; list sha256 " + w.fileListSha256() + ";")) {
      throw new IntegrityException("the waybill's EXPORT entry " + entry.seq() + " does not name export " + w.exportId() + " and its file list");
    }
    return w;
  }

  static String sha256(byte[] bytes) {
    return Bytes.hex(digest().digest(bytes));
  }

  /** A fresh SHA-256. */
  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
