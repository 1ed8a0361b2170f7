package io.kinko.examples.web;

import io.kinko.vault.AccessDeniedException;
import io.kinko.vault.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * The vault's refusals as pages. Nothing here is logged by the application: the vault logged the
 * decision already, and a message may name a path, which must not reach the server log.
 */
@ControllerAdvice
class Problems {
  @ExceptionHandler(AccessDeniedException.class)
  @ResponseStatus(HttpStatus.FORBIDDEN)
  String refused(AccessDeniedException e, Model model) {
    model.addAttribute("title", "権限がありません / Not allowed");
    model.addAttribute("detail", "The vault refused this, and logged the refusal.");
    return "problem";
  }

  @ExceptionHandler(NotFoundException.class)
  @ResponseStatus(HttpStatus.NOT_FOUND)
  String notFound(NotFoundException e, Model model) {
    model.addAttribute("title", "見つかりません / Not found");
    model.addAttribute("detail", "Nothing is there, or the link belongs to another session.");
    return "problem";
  }

  @ExceptionHandler(IllegalArgumentException.class)
  @ResponseStatus(HttpStatus.BAD_REQUEST)
  String badInput(IllegalArgumentException e, Model model) {
    // The message may name the path; it goes to the user who sent it, never to the server log.
    model.addAttribute("title", "受け付けられません / Not accepted");
    model.addAttribute("detail", e.getMessage());
    return "problem";
  }

}
