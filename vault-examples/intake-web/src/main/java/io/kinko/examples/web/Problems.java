package io.kinko.examples.web;

import io.kinko.vault.AccessDeniedException;
import io.kinko.vault.NotFoundException;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * The vault's refusals as pages. A vault exception's message may name a path, and Spring logs the
 * exception a handler resolves (at DEBUG): so the pages' controllers hand over a {@link Problem},
 * whose message is only its title, and the detail goes to the user who caused it, never to the
 * server log. The vault logged the decision already.
 */
@ControllerAdvice
class Problems {
  /** A refusal for a page: the title is its message; the detail is shown, never logged. */
  static final class Problem extends RuntimeException {
    private final HttpStatus status;
    private final transient String detail;

    Problem(HttpStatus status, String title, String detail) {
      super(title, null, false, false);
      this.status = status;
      this.detail = detail;
    }
  }

  /** Runs a page's work, turning the vault's refusals into a {@link Problem}. */
  static <T> T translate(Supplier<T> work) {
    try {
      return work.get();
    } catch (AccessDeniedException e) {
      throw new Problem(HttpStatus.FORBIDDEN, "権限がありません / Not allowed", "The vault refused this, and logged the refusal.");
    } catch (NotFoundException e) {
      throw new Problem(HttpStatus.NOT_FOUND, "見つかりません / Not found", "Nothing is there, or the link belongs to another session.");
    } catch (IllegalArgumentException e) {
      throw new Problem(HttpStatus.BAD_REQUEST, "受け付けられません / Not accepted", e.getMessage());
    }
  }

  @ExceptionHandler(Problem.class)
  ModelAndView problem(Problem p) {
    java.util.Map<String, Object> model = new java.util.HashMap<>();
    model.put("title", p.getMessage());
    model.put("detail", p.detail);
    return new ModelAndView("problem", model, p.status);
  }
}
