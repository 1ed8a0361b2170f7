package io.kinko.vault.alert;

/** Hands one alert to one sink; returns only once the sink accepted it, else throws. */
interface Sender {
  /** Connect and read timeouts: a dead sink costs the delivery thread this long, never the operation. */
  int CONNECT_MILLIS = 3_000;
  int READ_MILLIS = 5_000;

  void send(Alert alert) throws Exception;
}
