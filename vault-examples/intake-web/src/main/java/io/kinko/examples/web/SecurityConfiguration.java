package io.kinko.examples.web;

import io.kinko.spring.VaultFormLogin;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Every page needs a vault login but the login page; the administrator's pages need the ADMIN
 * role; every POST carries Spring Security's CSRF token (the login form's is checked by
 * vault-spring's login filter); logging out invalidates the web session, which closes the vault session.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {
  @Bean
  SecurityFilterChain filters(HttpSecurity http) throws Exception {
    http.authorizeHttpRequests(a -> a
            .requestMatchers("/login", "/error", "/style.css").permitAll()
            .requestMatchers("/admin/**").hasRole("ADMIN")
            .anyRequest().authenticated())
        // No formLogin(): its filter would read the password into a String; the vault's login does not.
        .with(VaultFormLogin.loginPage("/login"), Customizer.withDefaults())
        .logout(l -> l.logoutUrl("/logout").logoutSuccessUrl("/login?logout").invalidateHttpSession(true).deleteCookies("JSESSIONID"));
    return http.build();
  }
}
