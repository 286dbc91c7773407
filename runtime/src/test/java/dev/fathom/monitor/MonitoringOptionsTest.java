package dev.fathom.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fathom.InvalidReferenceException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MonitoringOptionsTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    ModelSettings d = MonitoringOptions.defaults().defaultSettings();
    assertThat(d.samplingRate()).isEqualTo(0.01);
    assertThat(d.maxSamplesPerSecond()).isEqualTo(1000);
    assertThat(d.validation()).isEqualTo(ValidationMode.OBSERVE);
    assertThat(d.windowSamples()).isEqualTo(1000);
    assertThat(d.windowDuration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.baselineSamples()).isEqualTo(1000);
    DriftThresholds t = d.thresholds();
    assertThat(t.psiWarn()).isEqualTo(0.1);
    assertThat(t.psiAlert()).isEqualTo(0.25);
    assertThat(t.pValue()).isEqualTo(0.05);
    assertThat(t.alertPValue()).isEqualTo(0.005);
    assertThat(t.correction()).isEqualTo(Correction.HOLM);
    assertThat(MonitoringOptions.defaults().enabled()).isTrue();
    assertThat(MonitoringOptions.disabled().enabled()).isFalse();
    assertThat(MonitoringOptions.defaults().outcomeCapacity()).isEqualTo(100_000);
    assertThat(MonitoringOptions.defaults().outcomeExpiry()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void perModelOverridesApplyOverTheDefaultsWhateverTheOrder() {
    MonitoringOptions options = MonitoringOptions.builder()
        .model("fraud", m -> m.validation(ValidationMode.ENFORCE))
        .samplingRate(0.2)
        .model("fraud", m -> m.window(500, Duration.ofSeconds(5)))
        .thresholds(DriftThresholds.builder().pValues(0.01, 0.001).build())
        .build();
    ModelSettings fraud = options.settings("fraud");
    assertThat(fraud.validation()).isEqualTo(ValidationMode.ENFORCE);
    assertThat(fraud.samplingRate()).isEqualTo(0.2);
    assertThat(fraud.windowSamples()).isEqualTo(500);
    assertThat(fraud.thresholds().pValue()).isEqualTo(0.01);
    ModelSettings other = options.settings("churn");
    assertThat(other.validation()).isEqualTo(ValidationMode.OBSERVE);
    assertThat(other.windowSamples()).isEqualTo(1000);
    assertThat(options.modelSettings()).containsOnlyKeys("fraud");
  }

  @Test
  void settersRefuseNonsenseWithAClearMessage() {
    MonitoringOptions.Builder b = MonitoringOptions.builder();
    assertThatThrownBy(() -> b.samplingRate(1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("samplingRate must be between 0 and 1, was 1.5");
    assertThatThrownBy(() -> b.samplingRate(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxSamplesPerSecond(0)).hasMessageContaining("maxSamplesPerSecond must be at least 1");
    assertThatThrownBy(() -> b.window(5, Duration.ofSeconds(1))).hasMessageContaining("window samples must be between 10 and 1000000, was 5");
    assertThatThrownBy(() -> b.window(100, Duration.ZERO)).hasMessageContaining("window duration must be positive");
    assertThatThrownBy(() -> b.baselineSamples(10)).hasMessageContaining("baselineSamples must be 0 or between 30 and 1000000");
    assertThatThrownBy(() -> b.outcomes(0, Duration.ofMinutes(1))).hasMessageContaining("outcome capacity must be at least 1");
    assertThatThrownBy(() -> b.queueCapacity(4)).hasMessageContaining("queueCapacity must be between 16 and 65536");
    assertThatThrownBy(() -> b.model("Bad Name", m -> {})).isInstanceOf(InvalidReferenceException.class);
    assertThatThrownBy(() -> b.model("fraud", m -> m.samplingRate(-1))).hasMessageContaining("samplingRate");
    assertThatThrownBy(() -> DriftThresholds.builder().psi(0.3, 0.2)).hasMessageContaining("0 < warn <= alert");
    assertThatThrownBy(() -> DriftThresholds.builder().pValues(0.01, 0.05)).hasMessageContaining("0 < alert <= warn < 1");
    assertThatThrownBy(() -> DriftThresholds.builder().minSamples(2)).hasMessageContaining("minSamples must be at least 5");
    assertThatThrownBy(() -> ValidationMode.parse("strict")).hasMessageContaining("enforce, observe or off, was 'strict'");
    assertThat(ValidationMode.parse(" Enforce ")).isEqualTo(ValidationMode.ENFORCE);
  }

  @Test
  void thresholdsBandPsiAndSurviveTheBuilder() {
    DriftThresholds t = DriftThresholds.defaults();
    assertThat(t.psiBand(0.05)).isEqualTo(Severity.NONE);
    assertThat(t.psiBand(0.1)).isEqualTo(Severity.WARN);
    assertThat(t.psiBand(0.3)).isEqualTo(Severity.ALERT);
    assertThat(t.toBuilder().build()).isEqualTo(t);
  }
}
