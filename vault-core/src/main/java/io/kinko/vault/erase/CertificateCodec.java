package io.kinko.vault.erase;


import io.kinko.vault.CertificateBody;
import io.kinko.vault.CertificateBody.DeletedFile;
import io.kinko.vault.CertificateBody.DestroyedKeyFile;
import io.kinko.vault.CertificateBody.Header;
import io.kinko.vault.CertificateBody.Item;
import io.kinko.vault.CertificateBody.Kind;
import io.kinko.vault.CertificateBody.LogProof;
import io.kinko.vault.CertificateBody.WipedFile;
import io.kinko.vault.Contract;
import io.kinko.vault.IntegrityException;
import io.kinko.vault.audit.CanonicalJson;
import io.kinko.vault.audit.JsonFields;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one encoding of a {@link CertificateBody}: RFC 8785 canonical JSON, as the signature covers
 * it. The parser is strict: a field missing, of the wrong type, unknown to the certificate's kind,
 * or bytes that the record does not encode back to exactly, is refused, so what a reader shows is
 * exactly what was signed. Null components are left out, which is how older certificates read.
 */
public final class CertificateCodec {
  /** The certificate format this version writes and reads. */
  static final long FORMAT = 1;

  private CertificateCodec() {}

  /** The canonical JSON bytes of {@code body}: what is signed. */
  public static byte[] encode(CertificateBody body) {
    return CanonicalJson.encode(toJson(body));
  }

  /**
   * Reads a certificate's canonical JSON.
   *
   * @throws IntegrityException naming the field that is missing, unknown or malformed, or saying
   *     the bytes are not canonical JSON
   */
  public static CertificateBody parse(byte[] json) {
    CertificateBody body = read(JsonFields.canonical(json, "the certificate"));
    if (!Arrays.equals(encode(body), json)) {
      throw new IntegrityException("the certificate " + body.header().certificateId() + " holds a value in a form Kinko does not "
          + "write (a time or a contract field not in its canonical form)");
    }
    return body;
  }

  // --- writing

  private static Map<String, Object> toJson(CertificateBody b) {
    Header h = b.header();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kinko", h.kind().label());
    m.put("format", FORMAT);
    m.put("certificateId", h.certificateId());
    m.put("issuedAt", h.issuedAt().toString());
    m.put("action", h.kind().action());
    m.put("contract", map("id", h.contract().id(), "client", h.contract().client(), "contractor", h.contract().contractor(),
        "end", h.contract().end().toString()));
    m.put("vault", h.vault());
    m.put("operator", h.operator());
    m.put("approver", h.approver());
    m.put("workLocation", map("host", h.workLocation().host(), "application", h.workLocation().application()));
    m.put("tool", map("name", h.tool().name(), "version", h.tool().version()));
    m.put("standards", h.standards());
    if (h.signingKey() != null) {
      m.put("signingKey", map("algorithm", h.signingKey().algorithm(), "fingerprint", h.signingKey().fingerprint(),
          "fingerprintOf", h.signingKey().fingerprintOf()));
    }
    m.put("method", map("type", b.method().type(), "techniques", b.method().techniques(), "steps", b.method().steps()));
    m.put("media", map("fileSystem", b.media().fileSystem(), "rotational", b.media().rotational(),
        "copyOnWrite", b.media().copyOnWrite(), "caveat", b.media().caveat()));
    m.put("items", b.items().stream().map(CertificateCodec::item).toList());
    m.put("log", map("treeSize", b.log().treeSize(), "checkpoint", b.log().checkpoint()));
    m.put("keepUntil", b.keepUntil().toString());
    if (b.logEntry() != null) {
      m.put("logEntry", proof(b.logEntry()));
    }
    m.put("notWiped", b.notWiped());
    m.put("blobsOverwritten", b.blobsOverwritten());
    m.put("archive", b.archive());
    if (b.erasure() != null) {
      CertificateBody.Erasure e = b.erasure();
      m.put("erasure", map("startedAt", e.startedAt().toString(), "finishedAt", e.finishedAt().toString(),
          "duration", e.duration().toString(), "result", e.result().name()));
    }
    m.values().removeIf(v -> v == null);
    return m;
  }

  private static Object item(Item item) {
    if (item instanceof DeletedFile f) {
      return map("fileId", f.fileId(), "nameTag", f.nameTag(), "version", f.version(), "size", f.size(),
          "contentCommitment", f.contentCommitment(), "commitmentMethod", f.commitmentMethod(), "contentSha256", f.contentSha256(),
          "storedSince", f.storedSince().toString(),
          "keyDestroyed", map("keyId", f.keyDestroyed().keyId(), "heldIn", f.keyDestroyed().heldIn(),
              "copiesDestroyed", f.keyDestroyed().copiesDestroyed()),
          "verification", map("method", f.verification().method(), "result", f.verification().result(),
              "notes", f.verification().notes()),
          "log", proof(f.log()), "path", f.path(), "sealedPath", f.sealedPath());
    }
    if (item instanceof WipedFile w) {
      return map("path", w.path(), "nameTag", w.nameTag(), "size", w.size(), "method", w.method(), "verification", w.verification(),
          "sealedPath", w.sealedPath());
    }
    DestroyedKeyFile k = (DestroyedKeyFile) item; // Item is sealed: these three are all there are
    return map("object", k.object(), "result", k.result());
  }

  private static Map<String, Object> proof(LogProof p) {
    return io.kinko.vault.audit.LogProofs.json(p);
  }

  /** A JSON object of name-value pairs; a null value leaves its name out. */
  private static Map<String, Object> map(Object... pairs) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] != null) {
        m.put((String) pairs[i], pairs[i + 1]);
      }
    }
    return m;
  }

  // --- reading

  private static CertificateBody read(JsonFields c) {
    Kind kind = kind(c.text("kinko"));
    long format = c.number("format");
    if (format != FORMAT) {
      throw c.refused("format", "is " + format + "; this version of Kinko reads format " + FORMAT);
    }
    String action = c.text("action");
    if (!action.equals(kind.action())) {
      throw c.refused("action", "is " + action + ", but a " + kind.label() + " certifies " + kind.action());
    }
    JsonFields contract = c.object("contract");
    JsonFields work = c.object("workLocation");
    JsonFields tool = c.object("tool");
    JsonFields key = c.optionalObject("signingKey");
    Header header = new Header(kind, c.text("certificateId"), c.instant("issuedAt"),
        contract.done(contract(contract)), c.text("vault"), c.text("operator"), c.text("approver"),
        work.done(new CertificateBody.WorkLocation(work.text("host"), work.text("application"))),
        tool.done(new CertificateBody.Tool(tool.text("name"), tool.text("version"))), c.texts("standards"),
        key == null ? null : key.done(new CertificateBody.KeyName(key.text("algorithm"), key.text("fingerprint"),
            key.text("fingerprintOf"))));
    JsonFields method = c.object("method");
    JsonFields media = c.object("media");
    JsonFields log = c.object("log");
    Function<JsonFields, Item> item = switch (kind) {
      case DELETION -> CertificateCodec::deletedFile;
      case WIPE -> CertificateCodec::wipedFile;
      case DISPOSAL -> f -> new DestroyedKeyFile(f.text("object"), f.text("result"));
    };
    List<Item> items = new ArrayList<>();
    for (JsonFields f : c.objects("items")) {
      items.add(f.done(item.apply(f)));
    }
    CertificateBody body = new CertificateBody(header,
        method.done(new CertificateBody.Method(method.text("type"), method.texts("techniques"), method.optionalText("steps"))),
        media.done(new CertificateBody.Media(media.text("fileSystem"), media.text("rotational"), media.bool("copyOnWrite"),
            media.text("caveat"))),
        items, log.done(new CertificateBody.SignedCheckpoint(log.number("treeSize"), log.text("checkpoint"))), c.instant("keepUntil"),
        kind == Kind.DELETION ? null : proof(c.object("logEntry")),
        kind == Kind.WIPE ? c.number("notWiped") : null,
        kind == Kind.DISPOSAL ? c.number("blobsOverwritten") : null,
        kind == Kind.DISPOSAL ? c.text("archive") : null, erasure(c.optionalObject("erasure")));
    return c.done(body);
  }

  private static CertificateBody.Erasure erasure(JsonFields f) {
    if (f == null) {
      return null;
    }
    String result = f.text("result");
    CertificateBody.Erasure erasure;
    try {
      erasure = new CertificateBody.Erasure(f.instant("startedAt"), f.instant("finishedAt"), CertificateBody.Result.valueOf(result));
    } catch (IllegalArgumentException e) {
      throw f.refused("", "is not a valid erasure record: " + e.getMessage());
    }
    String duration = f.text("duration");
    if (!duration.equals(erasure.duration().toString())) {
      throw f.refused("duration", "is " + duration + ", but the erasure ran from startedAt to finishedAt for " + erasure.duration());
    }
    return f.done(erasure);
  }

  private static WipedFile wipedFile(JsonFields f) {
    // The path is required unless a keyed tag names the file instead.
    String tag = f.optionalText("nameTag");
    String path = tag == null ? f.text("path") : f.optionalText("path");
    return new WipedFile(path, f.number("size"), f.text("method"), f.text("verification"), tag, f.optionalText("sealedPath"));
  }

  private static Kind kind(String label) {
    for (Kind k : Kind.values()) {
      if (k.label().equals(label)) {
        return k;
      }
    }
    throw new IntegrityException("the certificate's kind '" + label + "' is none of deletion-, wipe- or disposal-certificate");
  }

  private static Contract contract(JsonFields f) {
    String id = f.text("id");
    String client = f.text("client");
    String contractor = f.text("contractor");
    String end = f.text("end");
    try {
      return new Contract(id, client, contractor, LocalDate.parse(end));
    } catch (DateTimeException | IllegalArgumentException e) {
      throw f.refused("", "is not a valid contract: " + e.getMessage());
    }
  }

  private static DeletedFile deletedFile(JsonFields f) {
    JsonFields key = f.object("keyDestroyed");
    JsonFields verification = f.object("verification");
    return new DeletedFile(f.text("fileId"), f.text("nameTag"), f.number("version"), f.number("size"),
        f.optionalText("contentCommitment"), f.optionalText("commitmentMethod"), f.optionalText("contentSha256"),
        f.instant("storedSince"),
        key.done(new CertificateBody.KeyDestroyed(key.text("keyId"), key.text("heldIn"), key.number("copiesDestroyed"))),
        verification.done(new CertificateBody.Verification(verification.text("method"), verification.text("result"),
            verification.text("notes"))),
        proof(f.object("log")), f.optionalText("path"), f.optionalText("sealedPath"));
  }

  private static LogProof proof(JsonFields f) {
    return io.kinko.vault.audit.LogProofs.read(f);
  }
}
