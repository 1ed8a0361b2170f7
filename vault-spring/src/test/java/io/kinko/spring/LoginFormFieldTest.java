package io.kinko.spring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import io.kinko.spring.PasswordLoginFilter.Field;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The login filter's form parsing: the password goes from the body's bytes into a char[] and the
 * bytes it passed through are wiped. (The filter over real HTTP, with CSRF and the session id, is
 * intake-web's ServerSideTest.)
 */
class LoginFormFieldTest {
  @Test
  void anyPassword_encodedByABrowser_decodesToItsChars() {
    qt().withExamples(300).forAll(strings().allPossible().ofLengthBetween(1, 40)).assuming(s -> !hasLoneSurrogate(s))
        .checkAssert(secret -> {
          byte[] body = ("username=sato&password=" + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
          List<Field> fields = Field.split(body);
          assertEquals("password", fields.get(1).name());
          byte[] value = fields.get(1).value();
          char[] chars = fields.get(1).chars();
          assertArrayEquals(secret.toCharArray(), chars);
          assertArrayEquals(new byte[value.length], value, "the password's bytes were not wiped");
        });
  }

  @Test
  void aPasswordNotInUtf8_isRefused_andItsBytesWiped() {
    Field field = Field.split("password=%C3%28".getBytes(StandardCharsets.US_ASCII)).get(0);
    assertThrows(IllegalArgumentException.class, field::chars);
    assertArrayEquals(new byte[field.value().length], field.value());
  }

  @Test
  void aBrokenPercentEscape_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> Field.split("username=sato&password=ab%4".getBytes(StandardCharsets.US_ASCII)));
    assertThrows(IllegalArgumentException.class, () -> Field.split("password=%zz".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void aPlusIsASpace_andAnEmptyValueIsEmpty() {
    List<Field> fields = Field.split("username=a+b&password=".getBytes(StandardCharsets.US_ASCII));
    assertArrayEquals("a b".getBytes(StandardCharsets.US_ASCII), fields.get(0).value());
    assertEquals(0, fields.get(1).value().length);
  }

  private static boolean hasLoneSurrogate(String s) {
    return !StandardCharsets.UTF_8.newEncoder().canEncode(s);
  }
}
