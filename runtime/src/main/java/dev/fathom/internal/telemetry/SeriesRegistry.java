package dev.fathom.internal.telemetry;

import dev.fathom.registry.Lineage;
import dev.fathom.registry.Manifest;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The live {@link Series}, one per (model, version), capped: once {@code max} series exist, further
 * versions share the overflow series ({@code model.name=model.version=_other}). A series stays
 * while a loaded version uses it and, after that, until its percentile window has emptied, so the
 * last calls of a closed version are still reported. Model names seen in load failures are capped
 * the same way.
 *
 * <p>Thread-safe: changes are synchronized (they happen on loads and closes, never on a call);
 * readers iterate an immutable snapshot array.
 */
final class SeriesRegistry {
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(SeriesRegistry.class.getName());
  private final int max;
  private final boolean lineage;
  private final Supplier<PercentileWindow> windows;
  private final List<Double> quantiles;
  private final Map<String, Series> byKey = new HashMap<>();
  private final Set<String> failedNames = new LinkedHashSet<>();
  private Series overflow;
  private boolean warned;
  private volatile Series[] snapshot = new Series[0];

  /** @param windows makes the percentile window of a new series; returns null when metrics are off */
  SeriesRegistry(int max, boolean lineage, List<Double> quantiles, Supplier<PercentileWindow> windows) {
    this.max = max;
    this.lineage = lineage;
    this.quantiles = quantiles;
    this.windows = windows;
  }

  static String key(String model, long version) {
    return model + "@" + version;
  }

  /** The series of a newly loaded version, counting one more user. */
  synchronized Series acquire(Manifest manifest) {
    String key = key(manifest.name(), manifest.version());
    Series series = byKey.get(key);
    if (series == null) {
      if (byKey.size() >= max) {
        series = overflow();
      } else {
        Attributes attrs = FathomAttributes.model(manifest.name(), manifest.version());
        series = new Series(key, false, attrs, infoAttributes(attrs, manifest), quantiles, windows.get());
        byKey.put(key, series);
        publish();
      }
    }
    series.refs++;
    return series;
  }

  /** One user fewer; the series goes once its window is empty (see {@link #expireIdle}). */
  synchronized void release(Series series) {
    if (series.refs > 0) {
      series.refs--;
    }
  }

  /** The series serving a version right now, or null. */
  synchronized Series find(String model, long version) {
    return byKey.get(key(model, version));
  }

  /** The attributes of a version: its own series', or what it would get now if it has none. */
  synchronized Attributes attributesFor(String model, long version) {
    Series series = byKey.get(key(model, version));
    if (series != null) {
      return series.attributes;
    }
    return byKey.size() >= max ? FathomAttributes.overflow() : FathomAttributes.model(model, version);
  }

  /** A model name for load-failure counts: its own for the first {@code max} names, else {@code _other}. */
  synchronized String failureName(String model) {
    if (failedNames.contains(model)) {
      return model;
    }
    for (Series s : byKey.values()) {
      if (s.key.startsWith(model + "@")) {
        return model;
      }
    }
    if (failedNames.size() < max) {
      failedNames.add(model);
      return model;
    }
    return FathomAttributes.OTHER;
  }

  /** Removes series no version uses whose window is empty. {@code emptied} says which windows are. */
  synchronized void expireIdle(Set<Series> emptied) {
    boolean changed = false;
    for (Series s : emptied) {
      if (s.refs == 0 && !s.overflow && byKey.get(s.key) == s) {
        byKey.remove(s.key);
        changed = true;
      }
    }
    if (overflow != null && overflow.refs == 0 && emptied.contains(overflow)) {
      overflow = null;
      changed = true;
    }
    if (changed) {
      publish();
    }
  }

  /** Every live series, including the overflow one; lock-free. */
  Series[] all() {
    return snapshot;
  }

  private Series overflow() {
    if (overflow == null) {
      if (!warned) {
        warned = true;
        LOG.warning("Fathom: more than " + max + " model versions are loaded; telemetry reports the rest as model.name=model.version=_other (see TelemetryOptions.maxModelVersions)");
      }
      Attributes attrs = FathomAttributes.overflow();
      overflow = new Series(FathomAttributes.OTHER, true, attrs, attrs, quantiles, windows.get());
      publish();
    }
    return overflow;
  }

  private void publish() {
    List<Series> all = new ArrayList<>(byKey.values());
    if (overflow != null) {
      all.add(overflow);
    }
    snapshot = all.toArray(new Series[0]);
  }

  private Attributes infoAttributes(Attributes base, Manifest manifest) {
    AttributesBuilder b = base.toBuilder();
    if (manifest.model() != null && manifest.model().sha256() != null) {
      b.put(FathomAttributes.MODEL_SHA256, manifest.model().sha256());
    }
    if (lineage) {
      Lineage l = manifest.lineage();
      if (l.code() != null && l.code().commit() != null) {
        b.put(FathomAttributes.CODE_COMMIT, l.code().commit());
      }
      if (l.data() != null && l.data().sha256() != null) {
        b.put(FathomAttributes.DATA_SHA256, l.data().sha256());
      }
    }
    return b.build();
  }
}
