package io.kinko.cli;

import static io.kinko.cli.CertifiedDeletionTest.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kinko init --cert-names sealed --city-recipient age1...}: a certificate names what was
 * erased sealed to the city's age recipient. The city opens it with the stock {@code age} tool and
 * its own identity; the certificate shows nobody else the path, and the policy cannot be edited away.
 * Tagged: a fresh machine has no age, so the README's mvn verify leaves it to .ci/run, which installs it.
 */
@Tag("age")
class SealedNamesTest {
  @TempDir Path dir;
  private Path identity;
  private String recipient;

  /** The city's age identity, made by the real age-keygen; Kinko only ever sees the recipient. */
  @BeforeEach
  void citysAgeIdentity() throws Exception {
    identity = dir.resolve("city-key.txt");
    ExternalTool.Run keygen = ExternalTool.AGE_KEYGEN.run(dir, "-o", identity.toString());
    assertEquals(0, keygen.exit(), keygen.output());
    recipient = Files.readAllLines(identity).stream().filter(l -> l.startsWith("# public key: ")).findFirst().orElseThrow()
        .substring("# public key: ".length());
  }

  private Cli.Result init(String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("init", "--contract-id", "R8-0042", "--client", "横浜市", "--contractor",
        "金庫株式会社", "--contract-end", "2027-03-31", "--admin", Cli.USER, "--password-cost", "minimum"));
    args.addAll(List.of(extra));
    return Cli.forVault(dir.resolve("vault")).run(args.toArray(String[]::new));
  }

  /** A vault whose certificates seal names to the city, its admin granted everything. */
  private Cli sealedVault() {
    ok(init("--cert-names", "sealed", "--city-recipient", recipient));
    Cli cli = Cli.forVault(dir.resolve("vault"));
    ok(cli.run("grant", Cli.USER, ".", "read,write,delete,export"));
    return cli;
  }

  /** What the city reads: base64 -d | age -d -i its identity. */
  private String open(String sealedPath) throws Exception {
    Path sealed = Files.write(Files.createTempFile(dir, "sealed", ".age"), Base64.getDecoder().decode(sealedPath));
    Path opened = dir.resolve(sealed.getFileName() + ".txt");
    ExternalTool.Run age = ExternalTool.AGE.run(dir, "-d", "-i", identity.toString(), "-o", opened.toString(), sealed.toString());
    assertEquals(0, age.exit(), age.output());
    return Files.readString(opened, StandardCharsets.UTF_8);
  }

  @Test
  void aDeletionAndAWipe_nameTheirFilesSealedToTheCity_whichOpensThemWithAge_andTheJsonShowsNoPath() throws Exception {
    Cli cli = sealedVault();
    Path source = Files.writeString(dir.resolve("source.txt"), "山田太郎 090-0000-0000\n", StandardCharsets.UTF_8);
    ok(cli.run("put", source.toString(), "名簿/山田太郎.txt"));

    ok(cli.run("rm", "--yes", "名簿/山田太郎.txt", "--cert-out", dir.resolve("certs").toString()));
    Path folder = Files.createDirectories(dir.resolve("scans"));
    Files.writeString(folder.resolve("鈴木花子.pdf"), "personal data");
    ok(cli.run("wipe", "--yes", folder.toString(), "--cert-out", dir.resolve("wipe-certs").toString()));

    String deletion = Files.readString(onlyJson(dir.resolve("certs")));
    assertFalse(deletion.contains("山田太郎"), deletion);
    JsonObject item = JsonParser.parseString(deletion).getAsJsonObject().getAsJsonArray("items").get(0).getAsJsonObject();
    assertFalse(item.has("path"), item::toString);
    assertEquals("名簿/山田太郎.txt", open(item.get("sealedPath").getAsString()));
    String wipe = Files.readString(onlyJson(dir.resolve("wipe-certs")));
    assertFalse(wipe.contains("鈴木花子"), wipe);
    JsonObject wiped = JsonParser.parseString(wipe).getAsJsonObject().getAsJsonArray("items").get(0).getAsJsonObject();
    assertEquals(folder.resolve("鈴木花子.pdf").toAbsolutePath().toString(), open(wiped.get("sealedPath").getAsString()));

    Path pem = dir.resolve("vault.pub.pem");
    ok(cli.run("key", "export", "-o", pem.toString()));
    ok(new Cli().run("cert", "verify", onlyJson(dir.resolve("certs")).toString(), "--key", pem.toString()));
    Path altered = Files.writeString(dir.resolve("altered.json"),
        deletion.replace(item.get("sealedPath").getAsString(), wiped.get("sealedPath").getAsString()));
    Files.copy(Path.of(onlyJson(dir.resolve("certs")) + ".sig"), Path.of(altered + ".sig"));
    assertEquals(ExitCodes.INTEGRITY, new Cli().run("cert", "verify", altered.toString(), "--key", pem.toString()).exit(),
        "a sealed name swapped for another is caught by the signature");
  }

  @Test
  void theCitysRecipient_isSealedInKinkoJson_anEditIsRefusedAtLogin() throws Exception {
    Cli cli = sealedVault();
    Path descriptor = dir.resolve("vault/kinko.json");
    String original = Files.readString(descriptor);
    assertTrue(original.contains(recipient), original);
    Path other = dir.resolve("other-key.txt");
    ExternalTool.AGE_KEYGEN.run(dir, "-o", other.toString());
    String otherRecipient = Files.readAllLines(other).stream().filter(l -> l.startsWith("# public key: ")).findFirst().orElseThrow()
        .substring("# public key: ".length());

    Files.writeString(descriptor, original.replace(recipient, otherRecipient));

    assertEquals(ExitCodes.INTEGRITY, cli.run("ls").exit(), "names sealed to someone else's key");
  }

  @Test
  void sealedNames_needAValidRecipient_andARecipientNeedsSealedNames() {
    assertEquals(ExitCodes.USAGE, init("--cert-names", "sealed").exit(), "no recipient");
    assertFalse(Files.exists(dir.resolve("vault/kinko.json")));
    Cli.Result bad = init("--cert-names", "sealed", "--city-recipient", "age1notarecipient");
    assertEquals(ExitCodes.USAGE, bad.exit(), bad::toString);
    assertTrue(bad.err().contains("age1notarecipient"), bad::toString);
    assertEquals(ExitCodes.USAGE, init("--city-recipient", recipient).exit(), "a recipient with the tag policy");
    assertFalse(Files.exists(dir.resolve("vault/kinko.json")));
  }

  private static Path onlyJson(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> json = files.filter(p -> p.toString().endsWith(".json")).toList();
      assertEquals(1, json.size(), json::toString);
      return json.get(0);
    }
  }
}
