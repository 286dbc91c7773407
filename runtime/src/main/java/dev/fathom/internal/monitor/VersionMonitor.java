package dev.fathom.internal.monitor;

import dev.fathom.Tensor;
import dev.fathom.ValidationException;
import dev.fathom.internal.inference.CallView;
import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.internal.inference.ObserverFactory;
import dev.fathom.internal.telemetry.FathomAttributes;
import dev.fathom.internal.telemetry.FathomEvents;
import dev.fathom.internal.util.ThrottledLog;
import dev.fathom.monitor.ColumnProfile;
import dev.fathom.monitor.DriftReport;
import dev.fathom.monitor.FeatureDrift;
import dev.fathom.monitor.ModelSettings;
import dev.fathom.monitor.ReferenceProfile;
import dev.fathom.monitor.Severity;
import dev.fathom.monitor.ValidationMode;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.TensorSpec;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sampling, validation, drift and ground truth of one loaded model version: the {@link
 * InferenceObserver} Fathom calls on every call, and the analyzer-side state its samples feed.
 *
 * <p>Request threads: {@link #check} (enforce mode only), {@link #succeeded} (the sampling draw, and
 * for a sampled row the copy into a pooled {@link Sample}). The analyzer thread: {@link #drain},
 * which validates sampled rows in observe mode, builds the live baseline, fills drift windows, closes
 * them and publishes their reports. Metric callbacks read the published snapshots (volatile). A
 * version without a reference profile takes its first {@link ModelSettings#baselineSamples()}
 * samples as its reference.
 */
final class VersionMonitor implements InferenceObserver {
  private static final Logger LOGGER = Logger.getLogger(VersionMonitor.class.getName());
  private static final ThrottledLog LOG = new ThrottledLog(LOGGER, 6);

  private final Monitoring monitoring;
  private final MonitorMetrics metrics;
  final String model;
  final long version;
  private final String label;
  final ModelSettings settings;
  private final MonitoredColumns columns;
  private final Validator validator;
  private final boolean enforce;
  private final boolean observe;
  final Sampler sampler;
  /** Package-private for the benchmarks, which time the request-thread side without the analyzer. */
  final SampleRing ring;
  private final int[] otherInputs;
  private final String[] inputNames;
  private final OutcomeWindow outcomes;
  private final Attributes base;
  /** The {@code feature} attributes per column; null beyond the export cap. */
  private final Attributes[] columnAttributes;
  /** Violation attributes per feature (then per other input) and rule. */
  private final Attributes[][] violationAttributes;
  private final Attributes droppedRate;
  private final Attributes droppedFull;
  private volatile boolean closed;

  // analyzer-owned
  private final double[] values;
  private final int[] rules;
  private List<ProfileColumn> baseline;
  private long baselineRows;
  private DriftEngine engine;
  private int[] engineColumn;
  private int[] columnOfEngine;
  private long windowStartNanos;
  private Instant windowStart;
  private Severity[] state;
  private int[] quiet;
  /** Per engine column, the {@code fathom.drift.score} attributes of each method seen so far. */
  private List<Map<String, Attributes>> methodAttributes;

  // published for metric callbacks and tests
  private volatile DriftReport lastReport;
  private volatile Export export;
  private volatile ReferenceExport referenceExport;
  /** Sampled values per engine column and bin, counted by the analyzer since the reference was set. */
  private volatile ValueCounts valueCounts;
  private volatile String referenceSource = "none";

  /** The scores of the last closed window, with their attributes, ready for the gauge callbacks. */
  private record Export(Attributes[] attributes, double[] values, Attributes[] severityAttributes, long[] severities) {}

  /** The reference share of each used bin of each exported column. */
  private record ReferenceExport(Attributes[] attributes, double[] values) {}

  /**
   * Cumulative sampled values per engine column and bin ({@code counts[column * HISTOGRAM_BINS +
   * bin]}), written by the analyzer alone, and the {@code fathom.feature.values} series each
   * exported (column, bin) is reported under: every bin the column's reference uses, from 0.
   */
  private record ValueCounts(AtomicLongArray counts, int[] slots, Attributes[] attributes) {}

  VersionMonitor(Monitoring monitoring, ObserverFactory.VersionInfo info) {
    this.monitoring = monitoring;
    this.metrics = monitoring.metrics();
    this.model = info.model();
    this.version = info.version();
    this.label = model + "@" + version;
    this.settings = monitoring.options().settings(model);
    this.columns = new MonitoredColumns(info.signature());
    this.validator = new Validator(info.signature());
    this.enforce = settings.validation() == ValidationMode.ENFORCE && validator.hasRules();
    this.observe = settings.validation() == ValidationMode.OBSERVE && validator.hasRules();
    this.sampler = new Sampler(settings.samplingRate(), settings.maxSamplesPerSecond());
    this.otherInputs = new int[columns.inputs().size()];
    this.inputNames = new String[otherInputs.length];
    for (int i = 0; i < otherInputs.length; i++) {
      otherInputs[i] = columns.inputs().get(i).input();
      inputNames[i] = info.signature().inputs().get(otherInputs[i]).name();
    }
    int tabularColumns = columns.layout() == null ? 0 : columns.layout().columns();
    this.ring = new SampleRing(monitoring.options().queueCapacity(), tabularColumns, otherInputs.length, columns.outputs().size());
    this.outcomes = outcomeWindow(info, columns, monitoring.options().outcomeWindow());
    this.base = FathomAttributes.model(model, version);
    int cap = monitoring.options().maxExportedColumns();
    this.columnAttributes = new Attributes[columns.size()];
    for (int c = 0; c < columnAttributes.length && c < cap; c++) {
      columnAttributes[c] = base.toBuilder().put(FathomAttributes.FEATURE, columns.names().get(c)).build();
    }
    if (columns.size() > cap) {
      LOGGER.info("Fathom: " + label + " has " + columns.size() + " monitored columns; the first " + cap + " are exported per feature");
    }
    int checked = validator.featureCount() + otherInputs.length;
    this.violationAttributes = new Attributes[checked][Rule.ALL.length];
    for (int f = 0; f < checked; f++) {
      String name = f < validator.featureCount() ? validator.featureName(f) : info.signature().inputs().get(otherInputs[f - validator.featureCount()]).name();
      // past the cap, violations still count, under one overflow series
      name = f < cap ? name : FathomAttributes.OTHER;
      for (Rule rule : Rule.ALL) {
        violationAttributes[f][rule.ordinal()] = base.toBuilder().put(FathomAttributes.FEATURE, name).put(FathomAttributes.RULE, rule.id).build();
      }
    }
    this.droppedRate = base.toBuilder().put(FathomAttributes.REASON, "rate_limit").build();
    this.droppedFull = base.toBuilder().put(FathomAttributes.REASON, "queue_full").build();
    this.values = new double[columns.size()];
    this.rules = new int[validator.featureCount()];
    loadReference(info.directory());
  }

  /** The outcome window of a classifier (an output with labels) or a regressor (a one-element numeric output), or null. */
  private static OutcomeWindow outcomeWindow(ObserverFactory.VersionInfo info, MonitoredColumns columns, int capacity) {
    List<MonitoredColumns.OutputColumn> outs = columns.outputs();
    for (int i = 0; i < outs.size(); i++) {
      MonitoredColumns.OutputColumn c = outs.get(i);
      if (c.classifier() && c.element() == 0) {
        TensorSpec spec = info.signature().outputs().get(c.output());
        return new OutcomeWindow(OutcomeWindow.Kind.CLASSIFIER, spec.labels(), i, capacity);
      }
    }
    for (int i = 0; i < outs.size(); i++) {
      MonitoredColumns.OutputColumn c = outs.get(i);
      TensorSpec spec = info.signature().outputs().get(c.output());
      if (MonitoredColumns.rowWidth(spec) == 1 && spec.elementType().isFloatingPoint()) {
        return new OutcomeWindow(OutcomeWindow.Kind.REGRESSOR, null, i, capacity);
      }
    }
    return null;
  }

  private void loadReference(Path directory) {
    Path file = directory == null ? null : directory.resolve(LocalRegistry.PROFILE_FILE);
    if (file != null && Files.isRegularFile(file)) {
      try {
        establish(ReferenceProfile.read(file), "profile.json");
        return;
      } catch (RuntimeException e) {
        LOGGER.log(Level.WARNING, "Fathom: cannot use the reference profile of " + label + " (" + e.getMessage() + "); "
            + (settings.baselineSamples() > 0 ? "taking the first " + settings.baselineSamples() + " samples as its baseline" : "no drift for it"));
      }
    }
    if (settings.baselineSamples() > 0) {
      baseline = columns.profileColumns();
      referenceSource = "baseline (collecting " + settings.baselineSamples() + " samples)";
    }
  }

  /** Sets the reference the drift windows compare with. Construction or analyzer thread. */
  private void establish(ReferenceProfile profile, String source) {
    List<ColumnReference> refs = columns.references(profile);
    List<ColumnReference> tested = new ArrayList<>();
    int[] toEngine = new int[refs.size()];
    List<Integer> toColumn = new ArrayList<>();
    for (int c = 0; c < refs.size(); c++) {
      toEngine[c] = refs.get(c) == null ? -1 : tested.size();
      if (refs.get(c) != null) {
        tested.add(refs.get(c));
        toColumn.add(c);
      }
    }
    this.engine = new DriftEngine(tested, settings.windowSamples());
    this.engineColumn = toEngine;
    this.columnOfEngine = toColumn.stream().mapToInt(Integer::intValue).toArray();
    this.state = new Severity[tested.size()];
    Arrays.fill(state, Severity.NONE);
    this.quiet = new int[tested.size()];
    List<Map<String, Attributes>> perColumn = new ArrayList<>();
    for (int e = 0; e < tested.size(); e++) {
      perColumn.add(new java.util.HashMap<>());
    }
    this.methodAttributes = perColumn;
    this.windowStartNanos = System.nanoTime();
    this.windowStart = Instant.now();
    this.baseline = null;
    List<Attributes> attributes = new ArrayList<>();
    List<Double> shares = new ArrayList<>();
    List<Attributes> countAttributes = new ArrayList<>();
    List<Integer> countSlots = new ArrayList<>();
    for (int e = 0; e < tested.size(); e++) {
      Attributes feature = columnAttributes[columnOfEngine[e]];
      if (feature == null) {
        continue;
      }
      for (int bin = 0; bin < ColumnProfile.HISTOGRAM_BINS; bin++) {
        double share = tested.get(e).expectedFraction(bin);
        if (!Double.isNaN(share)) {
          Attributes binAttributes = feature.toBuilder().put(FathomAttributes.BIN, Integer.toString(bin)).build();
          attributes.add(binAttributes.toBuilder().put(FathomAttributes.PREV_BIN, Integer.toString(bin - 1)).build());
          shares.add(share);
          // every bin a value can fall in is a bin the reference uses, so these series hold every count
          countAttributes.add(binAttributes);
          countSlots.add(e * ColumnProfile.HISTOGRAM_BINS + bin);
        }
      }
    }
    this.referenceExport = new ReferenceExport(attributes.toArray(new Attributes[0]), shares.stream().mapToDouble(Double::doubleValue).toArray());
    this.valueCounts = new ValueCounts(new AtomicLongArray(tested.size() * ColumnProfile.HISTOGRAM_BINS), countSlots.stream().mapToInt(Integer::intValue).toArray(),
        countAttributes.toArray(new Attributes[0]));
    this.referenceSource = source + " (" + tested.size() + " of " + columns.size() + " columns)";
  }

  // ---- request threads ------------------------------------------------------------------------

  @Override
  public void check(CallView call) {
    if (!enforce) {
      return;
    }
    if (validator.valid(call)) {
      return;
    }
    List<ValidationException.Violation> violations = validator.violations(call);
    if (violations.isEmpty()) {
      return;
    }
    for (ValidationException.Violation v : violations) {
      countViolation(v.input(), v.rule());
    }
    throw new ValidationException(label, violations);
  }

  /** Counts a rejected violation (enforce mode; the call is failing anyway, so a lookup is fine). */
  private void countViolation(String input, String rule) {
    int f = validator.indexOf(input);
    if (f < 0) {
      for (int i = 0; i < otherInputs.length; i++) {
        if (inputNames[i].equals(input)) {
          f = validator.featureCount() + i;
        }
      }
    }
    if (f < 0) {
      return;
    }
    for (Rule r : Rule.ALL) {
      if (r.id.equals(rule)) {
        metrics.violations.add(1, violationAttributes[f][r.ordinal()]);
        return;
      }
    }
  }

  @Override
  public void succeeded(long token, CallView call) {
    if (closed) {
      return;
    }
    int rows = call.rows();
    for (int r = 0; r < rows; r++) {
      if (!sampler.draw() || !sampler.admit()) {
        continue;
      }
      int slot = ring.claim();
      if (slot < 0) {
        sampler.queueFull.increment();
        continue;
      }
      try {
        fill(ring.sample(slot), call, r, rows);
      } catch (RuntimeException e) {
        ring.abandon(slot);
        LOG.warn("sampling a call of " + label + " failed", e);
        continue;
      }
      sampler.sampled.increment();
      if (outcomes != null) {
        monitoring.outcomeStore().sampled(ring.sample(slot).predictionId);
      }
      ring.publish(slot);
    }
  }

  private void fill(Sample s, CallView call, int row, int rows) {
    s.predictionId = call.firstPredictionId() + row;
    double[] cols = s.columns;
    for (int c = 0; c < cols.length; c++) {
      cols[c] = call.column(row, c);
    }
    for (int i = 0; i < otherInputs.length; i++) {
      Tensor t = call.input(otherInputs[i]);
      // only observe mode reads the rule (enforce checked the whole call already); the row's own values
      s.inputRules[i] = observe ? Validator.nonFinite(t, MonitoredColumns.rowStart(t, row, rows), MonitoredColumns.rowLength(t, rows)) : Validator.OK;
      s.inputSummaries[i] = MonitoredColumns.rowMean(t, row, rows);
    }
    double[] outs = s.outputs;
    for (int o = 0; o < outs.length; o++) {
      outs[o] = columns.outputValue(call, row, o);
    }
  }

  @Override
  public void close() {
    closed = true;
    monitoring.remove(this);
  }

  // ---- analyzer thread ------------------------------------------------------------------------

  /** Processes the waiting samples and closes the window when due; returns the samples processed. */
  int drain(long nowNanos) {
    int processed = 0;
    int slot;
    while ((slot = ring.poll()) >= 0) {
      try {
        process(ring.sample(slot), nowNanos);
      } catch (RuntimeException e) {
        LOG.warn("analyzing a sample of " + label + " failed", e);
      } finally {
        ring.release(slot);
      }
      processed++;
    }
    if (engine != null && engine.rows() > 0 && nowNanos - windowStartNanos >= settings.windowDuration().toNanos()
        && engine.rows() >= settings.thresholds().minSamples()) {
      closeWindow(nowNanos);
    }
    return processed;
  }

  private void process(Sample s, long nowNanos) {
    int features = columns.features().size();
    if (observe) {
      validator.check(s.columns, rules);
      for (int f = 0; f < rules.length; f++) {
        if (rules[f] != Validator.OK) {
          metrics.violations.add(1, violationAttributes[f][rules[f]]);
        }
      }
      for (int i = 0; i < otherInputs.length; i++) {
        if (s.inputRules[i] != Validator.OK) {
          metrics.violations.add(1, violationAttributes[features + i][s.inputRules[i]]);
        }
      }
    }
    for (int f = 0; f < features; f++) {
      values[f] = columns.featureValue(s.columns, f);
    }
    for (int i = 0; i < otherInputs.length; i++) {
      values[features + i] = s.inputSummaries[i];
    }
    int firstOutput = features + otherInputs.length;
    for (int o = 0; o < s.outputs.length; o++) {
      values[firstOutput + o] = s.outputs[o];
    }
    if (outcomes != null) {
      monitoring.outcomeStore().hold(s.predictionId, this, s.outputs, nowNanos);
    }
    if (engine == null) {
      if (baseline != null) {
        for (int c = 0; c < values.length; c++) {
          baseline.get(c).add(values[c]);
        }
        if (++baselineRows >= settings.baselineSamples()) {
          ReferenceProfile.Source source = new ReferenceProfile.Source("live", null, baselineRows, baselineRows);
          List<ProfileColumn> built = baseline;
          establish(CsvProfiler.assemble(model, version, source, built, features + otherInputs.length), "live baseline of " + baselineRows + " samples");
        }
      }
      return;
    }
    AtomicLongArray counts = valueCounts.counts();
    for (int c = 0; c < values.length; c++) {
      int e = engineColumn[c];
      if (e >= 0) {
        int slot = e * ColumnProfile.HISTOGRAM_BINS + engine.add(e, values[c]);
        // the analyzer is the only writer: a plain read and a release store, no atomic update
        counts.setRelease(slot, counts.getPlain(slot) + 1);
      }
    }
    engine.endRow();
    if (engine.rows() >= settings.windowSamples()) {
      closeWindow(System.nanoTime());
    }
  }

  private void closeWindow(long nowNanos) {
    Instant end = Instant.now();
    DriftReport report = engine.evaluate(model, version, settings.thresholds(), windowStart, end);
    engine.reset();
    windowStart = end;
    windowStartNanos = nowNanos;
    lastReport = report;
    publish(report);
    List<FeatureDrift> drifts = report.columns();
    for (int e = 0; e < drifts.size(); e++) {
      FeatureDrift d = drifts.get(e);
      if (d.severity().compareTo(state[e]) > 0) {
        state[e] = d.severity();
        quiet[e] = 0;
        emitDetected(d, report);
      } else if (d.severity() == Severity.NONE) {
        if (state[e] != Severity.NONE && ++quiet[e] >= settings.thresholds().clearAfterWindows()) {
          state[e] = Severity.NONE;
          quiet[e] = 0;
        }
      } else {
        quiet[e] = 0;
      }
    }
  }

  private void publish(DriftReport report) {
    List<Attributes> attributes = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    List<FeatureDrift> drifts = report.columns();
    Attributes[] severityAttributes = new Attributes[drifts.size()];
    long[] severities = new long[drifts.size()];
    for (int e = 0; e < drifts.size(); e++) {
      Attributes feature = columnAttributes[columnOfEngine[e]];
      if (feature == null) {
        continue;
      }
      severityAttributes[e] = feature;
      severities[e] = drifts.get(e).severity().level();
      Map<String, Attributes> byMethod = methodAttributes.get(e);
      for (Map.Entry<String, Double> score : drifts.get(e).scores().entrySet()) {
        // built once per column and method, not at every window
        attributes.add(byMethod.computeIfAbsent(score.getKey(), method -> feature.toBuilder().put(FathomAttributes.METHOD, method).build()));
        scores.add(score.getValue());
      }
    }
    export = new Export(attributes.toArray(new Attributes[0]), scores.stream().mapToDouble(Double::doubleValue).toArray(), severityAttributes, severities);
  }

  private void emitDetected(FeatureDrift d, DriftReport report) {
    String body = String.format(Locale.ROOT, "%s: %s drift of %s over %d samples (p=%.3g corrected, psi=%.3f%s)", label,
        d.severity().toString().toUpperCase(Locale.ROOT), d.name(), report.samples(), d.adjustedPValue(), d.psi(), evidence(d));
    AttributesBuilder attributes =
        base.toBuilder()
            .put(FathomAttributes.FEATURE, d.name())
            .put(FathomAttributes.SEVERITY, d.severity().toString())
            .put(FathomAttributes.P_VALUE, d.adjustedPValue());
    if (!Double.isNaN(d.psi())) {
      attributes.put(FathomAttributes.PSI, d.psi());
    }
    metrics.events.emit(
        FathomEvents.DRIFT_DETECTED,
        d.severity() == Severity.ALERT ? io.opentelemetry.api.logs.Severity.ERROR : io.opentelemetry.api.logs.Severity.WARN,
        attributes.build(),
        body);
  }

  private static String evidence(FeatureDrift d) {
    StringBuilder sb = new StringBuilder();
    if (!Double.isNaN(d.meanShift())) {
      sb.append(String.format(Locale.ROOT, ", mean shift %.2f se, rank shift %.2f se, ks %.3f", d.meanShift(), d.rankShift(), d.ks()));
    }
    if (!Double.isNaN(d.chiSquare())) {
      sb.append(String.format(Locale.ROOT, ", chi2 %.1f, largest category change %.2f se", d.chiSquare(), d.categoryShift()));
    }
    if (!Double.isNaN(d.missingPValue())) {
      sb.append(String.format(Locale.ROOT, ", missing %.1f%% (reference %.1f%%)", 100 * d.missingRate(), 100 * d.referenceMissingRate()));
    }
    return sb.toString();
  }

  /** Joins a late outcome to a held prediction's outputs; false when the outcome cannot be read for this model. */
  boolean joinOutcome(double[] outputs, Object outcome) {
    double actual = outcomes.interpret(outcome);
    if (Double.isNaN(actual)) {
      LOG.warn("outcome '" + outcome + "' does not fit " + label + (outcomes.kind == OutcomeWindow.Kind.CLASSIFIER ? " (labels " + outcomes.labels + ")" : ""), null);
      return false;
    }
    outcomes.add(outputs, actual);
    return true;
  }

  // ---- metric callbacks (exporter thread) -----------------------------------------------------

  void recordScores(ObservableDoubleMeasurement m) {
    Export e = export;
    if (e != null) {
      for (int i = 0; i < e.values.length; i++) {
        m.record(e.values[i], e.attributes[i]);
      }
    }
  }

  void recordSeverities(ObservableLongMeasurement m) {
    Export e = export;
    if (e != null) {
      for (int i = 0; i < e.severities.length; i++) {
        if (e.severityAttributes[i] != null) {
          m.record(e.severities[i], e.severityAttributes[i]);
        }
      }
    }
  }

  void recordValueCounts(ObservableLongMeasurement m) {
    ValueCounts v = valueCounts;
    if (v != null) {
      for (int i = 0; i < v.slots.length; i++) {
        m.record(v.counts.getAcquire(v.slots[i]), v.attributes[i]);
      }
    }
  }

  void recordReference(ObservableDoubleMeasurement m) {
    ReferenceExport r = referenceExport;
    if (r != null) {
      for (int i = 0; i < r.values.length; i++) {
        m.record(r.values[i], r.attributes[i]);
      }
    }
  }

  void recordSampled(ObservableLongMeasurement m) {
    m.record(sampler.sampled.sum(), base);
  }

  void recordDropped(ObservableLongMeasurement m) {
    m.record(sampler.rateLimited.sum(), droppedRate);
    m.record(sampler.queueFull.sum(), droppedFull);
  }

  void recordOutcome(MonitorMetrics.OutcomeMetric metric, ObservableDoubleMeasurement m) {
    if (outcomes == null) {
      return;
    }
    OutcomeWindow.Metrics q = outcomes.metrics();
    double v;
    switch (metric) {
      case ACCURACY:
        v = q.accuracy();
        break;
      case PRECISION:
        v = q.precision();
        break;
      case RECALL:
        v = q.recall();
        break;
      case AUC:
        v = q.auc();
        break;
      case MAE:
        v = q.mae();
        break;
      default:
        v = q.rmse();
    }
    if (q.count() > 0 && !Double.isNaN(v)) {
      m.record(v, base);
    }
  }

  void recordOutcomeCount(ObservableLongMeasurement m) {
    if (outcomes != null) {
      m.record(outcomes.metrics().count(), base);
    }
  }

  // ---- for Monitoring and tests ---------------------------------------------------------------

  DriftReport lastReport() {
    return lastReport;
  }

  String referenceSource() {
    return referenceSource;
  }

  @Override
  public String toString() {
    return label;
  }
}
