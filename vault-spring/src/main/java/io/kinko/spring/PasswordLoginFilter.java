package io.kinko.spring;

import io.kinko.vault.Password;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The login form's POST, read from the raw body so that the password goes from the request's
 * bytes into a char[] and never becomes a {@code String} (the servlet container's parameter
 * parsing would make one, and Spring Security's form login keeps it as the credentials). It
 * checks the form's CSRF token itself (it runs before Spring's CSRF filter, which would parse the
 * body), authenticates through the {@link AuthenticationManager}, changes the session id, and
 * hands the vault session to the web session's {@link WebVaultSession}. {@link VaultFormLogin}
 * adds it to a filter chain.
 */
final class PasswordLoginFilter extends OncePerRequestFilter {
  /** A login form is small: user name, password, token. */
  private static final int MAX_BODY = 4096;
  private final AuthenticationManager authentication;
  private final CsrfTokenRepository csrfTokens;
  private final CsrfTokenRequestHandler csrfHandler;
  private final SecurityContextRepository contexts;
  private final WebVaultSession vaultSession;
  private final String loginPage;
  private final String successUrl;

  PasswordLoginFilter(AuthenticationManager authentication, CsrfTokenRepository csrfTokens, CsrfTokenRequestHandler csrfHandler,
      SecurityContextRepository contexts, WebVaultSession vaultSession, String loginPage, String successUrl) {
    this.loginPage = loginPage;
    this.successUrl = successUrl;
    this.authentication = authentication;
    this.csrfTokens = csrfTokens;
    this.csrfHandler = csrfHandler;
    this.contexts = contexts;
    this.vaultSession = vaultSession;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !("POST".equals(request.getMethod()) && loginPage.equals(request.getServletPath()));
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String type = request.getContentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      response.sendError(HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE);
      return;
    }
    byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
    try {
      if (body.length > MAX_BODY) {
        response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
        return;
      }
      String user = null;
      String token = null;
      char[] password = null;
      try {
        java.util.List<Field> fields;
        try {
          fields = Field.split(body);
        } catch (IllegalArgumentException e) {
          response.sendRedirect(request.getContextPath() + loginPage + "?error");
          return;
        }
        if (fields.stream().map(Field::name).distinct().count() != fields.size()) {
          // A repeated field (two passwords) would leave the first one's char[] unwiped: refused whole.
          fields.forEach(f -> Arrays.fill(f.value(), (byte) 0));
          response.sendRedirect(request.getContextPath() + loginPage + "?error");
          return;
        }
        for (Field field : fields) {
          switch (field.name()) {
            case "username" -> user = new String(field.value(), StandardCharsets.UTF_8);
            case "_csrf" -> token = new String(field.value(), StandardCharsets.UTF_8);
            case "password" -> {
              try {
                password = field.chars();
              } catch (IllegalArgumentException e) {
                password = new char[0]; // not UTF-8: a failed login, without asking the vault
              }
            }
            default -> { }
          }
          Arrays.fill(field.value(), (byte) 0);
        }
        if (!csrfValid(request, token)) {
          response.sendError(HttpServletResponse.SC_FORBIDDEN, "the login form's CSRF token is missing or wrong");
          return;
        }
        if (user == null || user.isBlank() || password == null || password.length == 0) {
          response.sendRedirect(request.getContextPath() + loginPage + "?error");
          return;
        }
        login(request, response, user, Password.wrap(password));
        password = null; // owned by the Password now, wiped by the provider
      } finally {
        if (password != null) {
          Arrays.fill(password, '\0');
        }
      }
    } finally {
      Arrays.fill(body, (byte) 0);
    }
  }

  private boolean csrfValid(HttpServletRequest request, String token) {
    CsrfToken expected = csrfTokens.loadToken(request);
    if (expected == null || token == null) {
      return false;
    }
    String sent = csrfHandler.resolveCsrfTokenValue(new HttpServletRequestWrapper(request) {
      @Override
      public String getParameter(String name) {
        return name.equals(expected.getParameterName()) ? token : null;
      }

      @Override
      public String getHeader(String name) {
        return null;
      }
    }, expected);
    return sent != null && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), expected.getToken().getBytes(StandardCharsets.UTF_8));
  }

  private void login(HttpServletRequest request, HttpServletResponse response, String user, Password password) throws IOException {
    VaultLogin result;
    try {
      result = (VaultLogin) authentication.authenticate(VaultLogin.attempt(user, password, request.getRemoteAddr()));
    } catch (AuthenticationException e) {
      response.sendRedirect(request.getContextPath() + loginPage + "?error");
      return;
    } finally {
      password.close();
    }
    request.getSession(true);
    request.changeSessionId(); // no session fixation: the id an attacker may have planted dies here
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(result);
    SecurityContextHolder.setContext(context);
    contexts.saveContext(context, request, response);
    csrfTokens.saveToken(null, request, response); // a new CSRF token after login, as Spring's own login does
    vaultSession.open(result.takeSession());
    response.sendRedirect(request.getContextPath() + successUrl);
  }

  /** One {@code name=value} of a form body, percent-decoded; the value as bytes the caller wipes. */
  record Field(String name, byte[] value) {
    static java.util.List<Field> split(byte[] body) {
      java.util.List<Field> fields = new java.util.ArrayList<>();
      int start = 0;
      for (int i = 0; i <= body.length; i++) {
        if (i == body.length || body[i] == '&') {
          int eq = start;
          while (eq < i && body[eq] != '=') {
            eq++;
          }
          byte[] name = decode(body, start, eq);
          fields.add(new Field(new String(name, StandardCharsets.UTF_8), decode(body, Math.min(eq + 1, i), i)));
          start = i + 1;
        }
      }
      return fields;
    }

    private static byte[] decode(byte[] body, int from, int to) {
      byte[] out = new byte[Math.max(0, to - from)];
      int n = 0;
      for (int i = from; i < to; i++) {
        byte b = body[i];
        if (b == '+') {
          out[n++] = ' ';
        } else if (b == '%') {
          int hi = i + 2 < to ? Character.digit(body[i + 1], 16) : -1;
          int lo = i + 2 < to ? Character.digit(body[i + 2], 16) : -1;
          if (hi < 0 || lo < 0) {
            Arrays.fill(out, (byte) 0);
            throw new IllegalArgumentException("malformed percent escape in the login form");
          }
          out[n++] = (byte) (hi << 4 | lo);
          i += 2;
        } else {
          out[n++] = b;
        }
      }
      byte[] exact = Arrays.copyOf(out, n);
      Arrays.fill(out, (byte) 0);
      return exact;
    }

    /** The value as characters, decoded strictly from UTF-8; the byte array is wiped. */
    char[] chars() {
      try {
        CharBuffer decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value));
        char[] chars = new char[decoded.remaining()];
        decoded.get(chars);
        Arrays.fill(decoded.array(), '\0');
        return chars;
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException("the password is not UTF-8");
      } finally {
        Arrays.fill(value, (byte) 0);
      }
    }
  }
}
