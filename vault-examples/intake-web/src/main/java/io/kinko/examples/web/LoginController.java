package io.kinko.examples.web;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The login page, with the desk's notice from the application's own database (not the vault's). */
@Controller
class LoginController {
  private final JdbcTemplate database;

  LoginController(JdbcTemplate database) {
    this.database = database;
  }

  @GetMapping("/login")
  String login(Model model) {
    model.addAttribute("notice", database.queryForObject("SELECT text FROM desk_notice WHERE id = 1", String.class));
    return "login";
  }
}
