package dev.fathom.internal.monitor;

/**
 * One sampled row copied off the request thread: the tabular input's columns, a summary and the
 * rule broken (if any) of each other input, and the monitored output elements. Pooled in a {@link
 * SampleRing}: the request thread fills it, the analyzer reads it, neither allocates. Owned by one
 * thread at a time, as the ring's slot states say.
 */
final class Sample {
  long predictionId;
  final double[] columns;
  final double[] inputSummaries;
  final int[] inputRules;
  final double[] outputs;

  Sample(int columns, int otherInputs, int outputs) {
    this.columns = new double[columns];
    this.inputSummaries = new double[otherInputs];
    this.inputRules = new int[otherInputs];
    this.outputs = new double[outputs];
  }
}
