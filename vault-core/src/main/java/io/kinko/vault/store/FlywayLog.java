package io.kinko.vault.store;

import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flyway's logger for the vault's own migrations (named in {@link Database}'s Flyway
 * configuration, which instantiates it by class name): its progress lines, INFO in Flyway, are
 * DEBUG here, so the host application's log does not fill with schema talk; warnings and errors
 * stay as they are. Lines go to SLF4J under Flyway's own class names, so a host can still turn
 * them on with its usual configuration.
 */
public final class FlywayLog implements LogCreator {
  /** Flyway's loader calls this constructor. */
  public FlywayLog() {}

  @Override
  public Log createLogger(Class<?> source) {
    Logger logger = LoggerFactory.getLogger(source);
    return new Log() {
      @Override
      public boolean isDebugEnabled() {
        return logger.isDebugEnabled();
      }

      @Override
      public void debug(String message) {
        logger.debug(message);
      }

      @Override
      public void info(String message) {
        logger.debug(message);
      }

      @Override
      public void notice(String message) {
        logger.debug(message);
      }

      @Override
      public void warn(String message) {
        logger.warn(message);
      }

      @Override
      public void error(String message) {
        logger.error(message);
      }

      @Override
      public void error(String message, Exception e) {
        logger.error(message, e);
      }
    };
  }
}
