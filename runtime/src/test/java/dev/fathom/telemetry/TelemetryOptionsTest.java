package dev.fathom.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TelemetryOptionsTest {
  @Test
  void defaultsMatchTheDesign() {
    TelemetryOptions o = TelemetryOptions.defaults();
    assertThat(o.enabled()).isTrue();
    assertThat(o.spanMode()).isEqualTo(TelemetryOptions.SpanMode.PARENT_ONLY);
    assertThat(o.events()).isTrue();
    assertThat(o.percentiles()).containsExactly(0.5, 0.9, 0.99, 0.999);
    assertThat(o.percentileWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.percentileWindowSlices()).isEqualTo(4);
    assertThat(o.percentilePrecision()).isEqualTo(2);
    assertThat(o.maxModelVersions()).isEqualTo(64);
    assertThat(o.durationBuckets()).first().isEqualTo(1e-6);
    assertThat(o.durationBuckets()).last().isEqualTo(10.0);
    assertThat(TelemetryOptions.disabled().enabled()).isFalse();
  }

  @Test
  void builderKeepsWhatItIsGiven() {
    TelemetryOptions o =
        TelemetryOptions.builder()
            .spans(TelemetryOptions.SpanMode.ALWAYS)
            .events(false)
            .maxModelVersions(5)
            .percentiles(0.99, 0.5, 1.0)
            .percentileWindow(Duration.ofSeconds(30), 3)
            .percentilePrecision(3)
            .durationBuckets(0.001, 0.01, 0.1)
            .lineageAttributes(false)
            .build();
    assertThat(o.spanMode()).isEqualTo(TelemetryOptions.SpanMode.ALWAYS);
    assertThat(o.events()).isFalse();
    assertThat(o.maxModelVersions()).isEqualTo(5);
    assertThat(o.percentiles()).containsExactly(0.5, 0.99, 1.0);
    assertThat(o.percentileWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.percentileWindowSlices()).isEqualTo(3);
    assertThat(o.percentilePrecision()).isEqualTo(3);
    assertThat(o.durationBuckets()).containsExactly(0.001, 0.01, 0.1);
    assertThat(o.lineageAttributes()).isFalse();
    assertThat(o.toBuilder().build().percentiles()).isEqualTo(o.percentiles());
  }

  @Test
  void invalidValuesAreRefusedNamingTheOptionAndTheRule() {
    TelemetryOptions.Builder b = TelemetryOptions.builder();
    assertThatThrownBy(() -> b.maxModelVersions(0)).isInstanceOf(IllegalArgumentException.class).hasMessage("maxModelVersions must be between 1 and 10000, was 0");
    assertThatThrownBy(() -> b.percentiles()).hasMessageContaining("percentiles must list 1 to 16 quantiles");
    assertThatThrownBy(() -> b.percentiles(0.5, 1.5)).hasMessage("percentiles must be quantiles in (0, 1], got 1.5");
    assertThatThrownBy(() -> b.percentiles(0.0)).hasMessage("percentiles must be quantiles in (0, 1], got 0.0");
    assertThatThrownBy(() -> b.percentiles(Double.NaN)).hasMessageContaining("in (0, 1], got NaN");
    assertThatThrownBy(() -> b.percentiles(0.9, 0.9)).hasMessage("percentiles must not repeat a quantile, got 0.9 twice");
    assertThatThrownBy(() -> b.percentileWindow(Duration.ofMillis(300), 4)).hasMessageContaining("slices of at least 100 ms");
    assertThatThrownBy(() -> b.percentileWindow(Duration.ofSeconds(60), 0)).hasMessage("percentileWindow slices must be between 1 and 60, was 0");
    assertThatThrownBy(() -> b.percentileWindow(Duration.ofHours(2), 4)).hasMessageContaining("at most 1 hour");
    assertThatThrownBy(() -> b.percentileWindow(Duration.ofSeconds(-5), 1)).hasMessageContaining("slices of at least");
    assertThatThrownBy(() -> b.percentilePrecision(5)).hasMessage("percentilePrecision must be between 1 and 4 significant digits, was 5");
    assertThatThrownBy(() -> b.durationBuckets(0.1, 0.1)).hasMessage("durationBuckets must be strictly increasing, got 0.1 then 0.1");
    assertThatThrownBy(() -> b.durationBuckets(-1)).hasMessage("durationBuckets must be finite and positive, got -1.0");
    assertThatThrownBy(() -> b.durationBuckets(Double.POSITIVE_INFINITY)).hasMessageContaining("finite and positive");
    assertThatThrownBy(() -> b.spans(null)).isInstanceOf(NullPointerException.class).hasMessage("mode");
    // Nothing invalid stuck.
    assertThat(b.build()).usingRecursiveComparison().isEqualTo(TelemetryOptions.defaults());
  }
}
