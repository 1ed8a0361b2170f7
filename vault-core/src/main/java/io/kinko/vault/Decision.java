package io.kinko.vault;

/** Whether a logged attempt was allowed. */
public enum Decision {
  ALLOW, DENY
}
