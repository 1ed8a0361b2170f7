package io.kinko.examples.web;

import io.kinko.spring.WebVaultSession;
import io.kinko.vault.LogEntry;
import io.kinko.vault.LogQuery;
import io.kinko.vault.Session;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The administrator's screen: the users, and the access log newest first (DENY entries too). */
@Controller
class AdminController {
  /** How many of the newest entries the screen shows; {@code kinko log show} has them all. */
  static final int SHOWN = 200;
  private final WebVaultSession web;

  AdminController(WebVaultSession web) {
    this.web = web;
  }

  @GetMapping("/admin")
  String admin(Model model) {
    Session session = web.session();
    model.addAttribute("users", Problems.translate(() -> session.administration().users()));
    List<LogEntry> entries = new ArrayList<>(Problems.translate(() -> session.logEntries(LogQuery.ALL)));
    Collections.reverse(entries);
    model.addAttribute("entries", entries.subList(0, Math.min(SHOWN, entries.size())));
    return "admin";
  }
}
