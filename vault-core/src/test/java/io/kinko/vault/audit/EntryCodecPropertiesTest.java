package io.kinko.vault.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.kinko.vault.ClientInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The log writer's field-by-field encoding of an entry against the general canonical encoder of
 * the same entry as a map: the bytes are the leaf's preimage, so they must be equal to the byte.
 */
class EntryCodecPropertiesTest {
  private static final Gen<String> TEXT = lists().of(CanonicalJsonPropertiesTest.CODE_POINT).ofSizeBetween(0, 12)
      .map(cps -> new String(cps.stream().mapToInt(Integer::intValue).toArray(), 0, cps.size()));
  private static final Gen<String> MAYBE_TEXT = Generate.oneOf(TEXT, Generate.constant((String) null));
  /** What ClientInfo accepts for a host or an application: no controls, not blank. */
  private static final Gen<String> NAME = TEXT.map(s -> "h" + s.codePoints().filter(c -> !Character.isISOControl(c))
      .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip());
  private static final Gen<String> ADDRESS = Generate.pick(java.util.Arrays.asList(null, "10.0.0.7", "[fe80::1%eth0]", "intake.example.jp"));
  private static final Gen<Long> SAFE = longs().between(0, CanonicalJson.MAX_SAFE_INTEGER);
  private static final Gen<Instant> TIME = longs().between(-62_135_596_800_000L, 253_402_300_799_999L).map(Instant::ofEpochMilli);

  private static final Gen<ClientInfo> CLIENT = NAME.zip(SAFE, NAME, ADDRESS, ClientInfo::new);

  private static final Gen<EntryCodec.Fields> FIELDS = SAFE.zip(TIME, TEXT, TEXT, (seq, time, actor, reason) -> new Object[] {seq, time, actor, reason})
      .zip(MAYBE_TEXT, MAYBE_TEXT, CLIENT, (a, fileId, nameTag, client) -> new EntryCodec.Fields((Long) a[0], (Instant) a[1], "vault-" + a[2],
          (String) a[2], "GET", "ALLOW", (String) a[3], fileId, nameTag, client, ((Instant) a[1]).plusSeconds(86_400), "ab".repeat(32)));

  @Test
  void writtenFieldByField_isTheCanonicalEncodingOfTheEntryAsAMap() {
    qt().withExamples(2_000)
        .forAll(FIELDS)
        .checkAssert(f -> {
          EntryCodec.Encoded encoded = EntryCodec.encodeWithBytes(f);
          assertArrayEquals(CanonicalJson.encode(asMap(f)), encoded.bytes(), () -> new String(encoded.bytes(), StandardCharsets.UTF_8));
          assertEquals(encoded.entry().json(), new String(encoded.bytes(), StandardCharsets.UTF_8));
          assertEquals(encoded.entry(), EntryCodec.decode(encoded.bytes()));
        });
  }

  /**
   * The columns a row copies from its entry pass; any one of them changed fails, including an
   * actor that goes on with text that would close the JSON string early and continue the entry,
   * and a file column emptied on an entry that names a file (it hid a DELETE from rm's look-up).
   * Text that spells the file key inside another field (the reason here) is not the key.
   */
  @Test
  void entryColumnsRecorded_holdsForTheColumnsTheWriterCopies_andFailsForAnyOneChanged() {
    qt().withExamples(2_000).forAll(FIELDS, TEXT, integers().between(0, 6)).checkAssert((f, other, which) -> {
      String json = EntryCodec.encode(f).json();
      long t = f.time().toEpochMilli();
      long k = f.keepUntil().toEpochMilli();
      assertTrue(EntryColumns.recorded(json, f.seq(), t, f.actor(), f.action(), f.fileId(), k), json);
      assertEquals(f.fileId() == null, EntryColumns.recorded(json, f.seq(), t, f.actor(), f.action(), null, k), json);
      EntryCodec.Fields spelled = new EntryCodec.Fields(f.seq(), f.time(), f.vaultId(), f.actor(), f.action(), f.decision(),
          f.reason() + ",\"fileId\":\"" + other + "\",", null, f.nameTag(), f.client(), f.keepUntil(), f.prev());
      assertTrue(EntryColumns.recorded(EntryCodec.encode(spelled).json(), f.seq(), t, f.actor(), f.action(), null, k));
      boolean edited = switch (which) {
        case 0 -> EntryColumns.recorded(json, f.seq(), t, unlike(f.actor(), other), f.action(), f.fileId(), k);
        case 1 -> EntryColumns.recorded(json, f.seq(), t, f.actor() + "\",\"client\":{", f.action(), f.fileId(), k);
        case 2 -> EntryColumns.recorded(json, f.seq(), t, f.actor(), unlike(f.action(), other), f.fileId(), k);
        case 3 -> EntryColumns.recorded(json, f.seq(), t, f.actor(), f.action(), unlike(f.fileId(), other), k);
        case 4 -> EntryColumns.recorded(json, f.seq() + 1, t, f.actor(), f.action(), f.fileId(), k);
        case 5 -> EntryColumns.recorded(json, f.seq(), t + 1, f.actor(), f.action(), f.fileId(), k);
        default -> EntryColumns.recorded(json, f.seq(), t, f.actor(), f.action(), f.fileId(), k - 1);
      };
      assertFalse(edited, () -> "edit " + which + " of " + json);
    });
  }

  private static String unlike(String value, String other) {
    return other.equals(value) ? other + "x" : other;
  }

  @Test
  void aSequenceNumberOrProcessIdADoubleCannotHold_isRefused() {
    ClientInfo client = new ClientInfo("host", 7, "app", null);
    Instant t = Instant.parse("2026-12-03T00:00:00Z");
    long tooBig = CanonicalJson.MAX_SAFE_INTEGER + 1;
    assertThrows(IllegalArgumentException.class, () -> EntryCodec.encode(
        new EntryCodec.Fields(tooBig, t, "v", "a", "GET", "ALLOW", "r", null, null, client, t, "00")));
    assertThrows(IllegalArgumentException.class, () -> EntryCodec.encode(
        new EntryCodec.Fields(1, t, "v", "a", "GET", "ALLOW", "r", null, null, new ClientInfo("host", tooBig, "app", null), t, "00")));
  }

  @Test
  void aLoneSurrogate_isRefused() {
    ClientInfo client = new ClientInfo("host", 7, "app", null);
    Instant t = Instant.parse("2026-12-03T00:00:00Z");
    assertThrows(IllegalArgumentException.class, () -> EntryCodec.encode(
        new EntryCodec.Fields(1, t, "v", "a\uD800", "GET", "ALLOW", "r", null, null, client, t, "00")));
  }

  /** The entry as the encoder wrote it before it went field by field: the oracle. */
  private static Map<String, Object> asMap(EntryCodec.Fields f) {
    Map<String, Object> client = new LinkedHashMap<>();
    client.put("host", f.client().host());
    client.put("pid", f.client().pid());
    client.put("app", f.client().application());
    if (f.client().address() != null) {
      client.put("addr", f.client().address());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", f.seq());
    m.put("time", f.time().toString());
    m.put("vault", f.vaultId());
    m.put("actor", f.actor());
    m.put("action", f.action());
    m.put("decision", f.decision());
    m.put("reason", f.reason());
    if (f.fileId() != null) {
      m.put("fileId", f.fileId());
    }
    if (f.nameTag() != null) {
      m.put("nameTag", f.nameTag());
    }
    m.put("client", client);
    m.put("keepUntil", f.keepUntil().toString());
    m.put("prev", f.prev());
    return m;
  }
}
