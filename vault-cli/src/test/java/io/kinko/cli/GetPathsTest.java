package io.kinko.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stored folder is written below OUT and nowhere else, even if a stored path were forged. */
class GetPathsTest {
  private static final Path OUT = Path.of("/tmp/kinko-out").toAbsolutePath();

  @Test
  void inside_ofAnyPathItAccepts_staysBelowOut() {
    qt().forAll(lists().of(strings().allPossible().ofLengthBetween(0, 6)).ofSizeBetween(1, 5))
        .checkAssert(segments -> {
          String relative = String.join("/", segments);
          try {
            Path target = GetCommand.inside(OUT, relative);
            assertTrue(target.normalize().startsWith(OUT) && !target.normalize().equals(OUT), () -> relative + " -> " + target);
            // Counted in the joined path: a generated segment may itself hold a '/'.
            assertEquals(relative.split("/", -1).length, OUT.relativize(target).getNameCount(), relative);
          } catch (IOException refused) {
            // refusing is always safe
          }
        });
  }

  @Test
  void inside_refusesDotDotAbsoluteAndEmptySegments() {
    for (String forged : List.of("..", "../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a/.", "", "a\\..\\b", "a\0b")) {
      assertThrows(IOException.class, () -> GetCommand.inside(OUT, forged), () -> "'" + forged + "' was accepted");
    }
  }

  @Test
  void inside_keepsJapaneseNames() throws IOException {
    assertEquals(OUT.resolve("申請書").resolve("山田太郎.txt"), GetCommand.inside(OUT, "申請書/山田太郎.txt"));
  }
}
