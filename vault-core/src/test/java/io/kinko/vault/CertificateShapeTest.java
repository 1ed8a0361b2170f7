package io.kinko.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kinko.vault.audit.CanonicalJson;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Certificates written now have exactly the fields, nesting and JSON types of those the untyped
 * writer produced (erase/certificates in the test resources), plus the fields added since, named
 * here: with canonical JSON, that is what keeps the signed bytes the same for the same content.
 * Added in 0.2.0: {@code erasure} (start, end, duration, result) in every kind; a wiped file is
 * named by {@code nameTag} instead of {@code path} under the default naming policy (tag).
 */
class CertificateShapeTest extends VaultTest {
  @Test
  void deletionWipeAndDisposalCertificates_haveTheFieldsAndTypesTheUntypedWriterWrote() throws Exception {
    TestVaults.put(session, "台帳/a.txt", "a".getBytes());
    TestVaults.put(session, "台帳/a.txt", "a2".getBytes());
    DeletionCertificate deletion = session.deleteTree("台帳");
    Path scans = Files.createDirectories(dir.resolve("scans/2026"));
    Files.writeString(scans.resolve("山田太郎.pdf"), "personal data");
    DeletionCertificate wipe = session.wipe(dir.resolve("scans"), WipeMethod.DOD3, false).certificate();
    DeletionCertificate disposal = session.dispose(dir.resolve("archive"), true);

    assertEquals(withErasure(shapeOf(fixture("deletion.json"))), shape(CanonicalJson.parse(deletion.bytes())));
    assertEquals(withErasure(wipedByTag(shapeOf(fixture("wipe.json")))), shape(CanonicalJson.parse(wipe.bytes())));
    assertEquals(withErasure(shapeOf(fixture("disposal.json"))), shape(CanonicalJson.parse(disposal.bytes())));
  }

  @SuppressWarnings("unchecked")
  private static Object withErasure(Object shape) {
    Map<String, Object> m = new TreeMap<>((Map<String, Object>) shape);
    m.put("erasure", new TreeMap<>(Map.of("startedAt", "String", "finishedAt", "String", "duration", "String", "result", "String")));
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Object wipedByTag(Object shape) {
    Map<String, Object> m = new TreeMap<>((Map<String, Object>) shape);
    Map<String, Object> item = new TreeMap<>(((List<Map<String, Object>>) m.get("items")).get(0));
    item.put("nameTag", item.remove("path"));
    m.put("items", List.of(item));
    return m;
  }

  private static byte[] fixture(String name) throws IOException, URISyntaxException {
    return Files.readAllBytes(Path.of(CertificateShapeTest.class.getResource("erase/certificates/" + name).toURI()));
  }

  private static Object shapeOf(byte[] json) {
    return shape(CanonicalJson.parse(json));
  }

  /** Objects by field name, a list by its first element's shape, a value by its JSON type. */
  private static Object shape(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      m.forEach((k, v) -> out.put((String) k, shape(v)));
      return out;
    }
    if (value instanceof List<?> l) {
      return l.isEmpty() ? List.of() : List.of(shape(l.get(0)));
    }
    return value == null ? "null" : value.getClass().getSimpleName();
  }
}
