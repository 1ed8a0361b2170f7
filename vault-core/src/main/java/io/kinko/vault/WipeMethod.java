package io.kinko.vault;

/** How {@code wipe} overwrites a file before it unlinks it. The last pass is read back. */
public enum WipeMethod {
  /** One pass of random data (the default: enough on modern disks, NIST SP 800-88 Clear). */
  RANDOM,
  /** One pass of zeros. */
  ZERO,
  /** Three passes: zeros, ones, random (the retired DoD 5220.22-M scheme, asked for by some contracts). */
  DOD3
}
