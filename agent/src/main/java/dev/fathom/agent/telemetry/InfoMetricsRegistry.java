package dev.fathom.agent.telemetry;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Prometheus registry that exposes OpenTelemetry gauges meant as info metrics ({@code
 * fathom.model.info}) as Prometheus info metrics, so the scrape shows {@code
 * fathom_model_info{model_name=...} 1} as Prometheus users expect. The OpenTelemetry to Prometheus
 * converter would otherwise strip the reserved {@code _info} suffix and expose a gauge named
 * {@code fathom_model}. Every other metric passes through untouched. Thread-safe.
 */
final class InfoMetricsRegistry extends PrometheusRegistry {
  /** Prometheus base names (after the converter stripped {@code _info}) to expose as info metrics. */
  static final Set<String> INFO_METRICS = Set.of("fathom_model");

  @Override
  public void register(MultiCollector collector) {
    super.register(new InfoCollector(collector));
  }

  private static final class InfoCollector implements MultiCollector {
    private final MultiCollector delegate;

    InfoCollector(MultiCollector delegate) {
      this.delegate = delegate;
    }

    @Override
    public MetricSnapshots collect() {
      MetricSnapshots snapshots = delegate.collect();
      boolean any = false;
      for (MetricSnapshot s : snapshots) {
        any |= isInfo(s);
      }
      if (!any) {
        return snapshots;
      }
      List<MetricSnapshot> out = new ArrayList<>(snapshots.size());
      for (MetricSnapshot s : snapshots) {
        out.add(isInfo(s) ? toInfo((GaugeSnapshot) s) : s);
      }
      return new MetricSnapshots(out);
    }

    private static boolean isInfo(MetricSnapshot s) {
      return s instanceof GaugeSnapshot && INFO_METRICS.contains(s.getMetadata().getName());
    }

    private static InfoSnapshot toInfo(GaugeSnapshot gauge) {
      List<InfoSnapshot.InfoDataPointSnapshot> points = new ArrayList<>();
      for (GaugeSnapshot.GaugeDataPointSnapshot p : gauge.getDataPoints()) {
        if (p.getValue() > 0) {
          points.add(new InfoSnapshot.InfoDataPointSnapshot(p.getLabels()));
        }
      }
      MetricMetadata md = gauge.getMetadata();
      return new InfoSnapshot(new MetricMetadata(md.getName(), md.getHelp()), points);
    }
  }
}
