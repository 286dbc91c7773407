package dev.fathom.internal.telemetry;

/** A clock that moves only when told to, so tests record exactly the latencies they mean. */
final class FakeTicker implements Ticker {
  volatile long nanos = 1_000_000_000L;
  volatile long epochNanos = 1_700_000_000_000_000_000L;

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public long epochNanos() {
    return epochNanos;
  }

  void advance(long delta) {
    nanos += delta;
    epochNanos += delta;
  }
}
