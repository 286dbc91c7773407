package dev.fathom.agent.it.apps;

import java.util.Map;

/** A hand-written scoring class with no Fathom in it, monitored through {@code instrument.methods}. */
public final class Scorer {
  /** A linear score over 16 encoded features. */
  public double score(float[] features) {
    double sum = 0;
    for (int i = 0; i < features.length; i++) {
      sum += features[i] * (i + 1);
    }
    return 1 / (1 + Math.exp(-sum / 100));
  }

  /** Refuses an empty request, like real code does. */
  public double explain(Map<String, Object> request) {
    if (request.isEmpty()) {
      throw new IllegalArgumentException("empty request");
    }
    return request.size();
  }
}
