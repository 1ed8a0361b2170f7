package io.kinko.examples.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The versions this app runs vault-core on: Kinko's H2 and Flyway (named in kinko-parent, which
 * wins over Boot's BOM), and one SLF4J provider, Boot's Logback. The expected versions come from
 * the parent pom through the build, so a BOM that takes them over fails here.
 */
class ManagedVersionsTest {
  @Test
  void h2AndFlyway_areKinkosVersions_notBootsManagedOnes() throws IOException {
    assertEquals(System.getProperty("kinko.expected.h2"), org.h2.engine.Constants.FULL_VERSION.split(" ")[0]);
    assertEquals(System.getProperty("kinko.expected.flyway"), mavenVersion("org.flywaydb", "flyway-core"));
  }

  @Test
  void slf4j_bindsToLogbackAlone() {
    assertInstanceOf(ch.qos.logback.classic.LoggerContext.class, LoggerFactory.getILoggerFactory());
    assertEquals(null, ManagedVersionsTest.class.getClassLoader().getResource("org/slf4j/simple/SimpleLogger.class"),
        "slf4j-simple is on the class path beside Logback");
  }

  private static String mavenVersion(String group, String artifact) throws IOException {
    try (InputStream in = ManagedVersionsTest.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    }
  }
}
