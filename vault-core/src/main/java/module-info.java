/**
 * Kinko's vault library. Only {@code io.kinko.vault} is exported: every read and write goes
 * through a {@link io.kinko.vault.Session}, and there is no public path to a blob around it.
 */
module io.kinko.vault {
  exports io.kinko.vault;
  exports io.kinko.vault.store to flyway.core; // Flyway instantiates its logger, store.FlywayLog, by name

  uses io.kinko.vault.VaultProvider;
  provides io.kinko.vault.VaultProvider with io.kinko.vault.engine.Engine;

  requires com.google.crypto.tink;
  requires com.google.protobuf; // Tink's keyset format: the signing key is read from it directly (crypto.SigningKey)
  requires com.exceptionfactory.jagged; // age: certificate names sealed to the city's recipient
  requires com.exceptionfactory.jagged.framework;
  requires com.exceptionfactory.jagged.x25519;
  requires com.exceptionfactory.jagged.bech32; // age1 recipients compared as keys; an identity's recipient
  requires org.apache.commons.compress; // the tar inside a transport package
  requires org.bouncycastle.provider;
  requires de.mkammerer.argon2.nolibs; // Argon2id through JNA
  requires de.mkammerer.argon2; // its native libraries (resources only)
  requires com.h2database;
  requires flyway.core; // no Automatic-Module-Name in its jar: the name comes from the file name
  // PostgreSQL support, present only with io.kinko:vault-postgres (store.Database checks for it)
  requires static flyway.database.postgresql; // no Automatic-Module-Name either; Flyway finds it as a plugin
  requires static com.zaxxer.hikari;
  requires static org.postgresql.jdbc; // the driver the pool loads by URL
  requires com.google.gson;
  requires jakarta.mail; // alert mail (clause 6)
  requires org.eclipse.angus.mail; // its SMTP provider, found by Jakarta Mail's ServiceLoader
  requires java.net.http; // alert webhooks
  requires jdk.crypto.cryptoki; // SunPKCS11: key slots on IC cards and hardware tokens
  requires org.slf4j;
  requires java.sql;
  requires jdk.unsupported; // ExtendedOpenOption.DIRECT: read an overwritten key header back from the device
}
