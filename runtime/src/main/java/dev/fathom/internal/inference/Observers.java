package dev.fathom.internal.inference;

/** Combines the observers of one version without a loop or a list on the hot path. */
public final class Observers {
  private Observers() {}

  /** An observer that calls {@code first} then {@code second}; NOOPs are dropped. */
  public static InferenceObserver compose(InferenceObserver first, InferenceObserver second) {
    if (first == null || first == InferenceObserver.NOOP) {
      return second == null ? InferenceObserver.NOOP : second;
    }
    if (second == null || second == InferenceObserver.NOOP) {
      return first;
    }
    return new Pair(first, second);
  }

  private static final class Pair implements InferenceObserver {
    private final InferenceObserver first;
    private final InferenceObserver second;

    Pair(InferenceObserver first, InferenceObserver second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void check(CallView call) {
      first.check(call);
      second.check(call);
    }

    /** The token is a {@code System.nanoTime()} start (or 0); one reading serves both. */
    @Override
    public long start() {
      long token = first.start();
      return token != 0L ? token : second.start();
    }

    @Override
    public void succeeded(long token, CallView call) {
      try {
        first.succeeded(token, call);
      } finally {
        second.succeeded(token, call);
      }
    }

    @Override
    public void failed(long token, String errorType) {
      try {
        first.failed(token, errorType);
      } finally {
        second.failed(token, errorType);
      }
    }

    @Override
    public void close() {
      try {
        first.close();
      } finally {
        second.close();
      }
    }
  }
}
