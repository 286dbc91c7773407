package dev.fathom.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import java.util.List;
import org.junit.jupiter.api.Test;

class FathomEventsTest {
  @Test
  void driftEventsCarryTheFeatureMethodAndScore() {
    try (OtelHarness otel = new OtelHarness()) {
      FathomEvents events = FathomEvents.create(otel.sdk);
      assertThat(events.enabled()).isTrue();
      events.driftDetected("fraud", 3, "amount", "psi", 0.31, 0.2, 1000);
      List<LogRecordData> drift = otel.events(FathomEvents.DRIFT_DETECTED);
      assertThat(drift).hasSize(1);
      LogRecordData record = drift.get(0);
      assertThat(record.getSeverity()).isEqualTo(Severity.WARN);
      assertThat(record.getInstrumentationScopeInfo().getName()).isEqualTo("dev.fathom");
      Attributes attrs = record.getAttributes();
      assertThat(attrs.get(FathomAttributes.MODEL_NAME)).isEqualTo("fraud");
      assertThat(attrs.get(FathomAttributes.MODEL_VERSION)).isEqualTo("3");
      assertThat(attrs.get(FathomAttributes.FEATURE)).isEqualTo("amount");
      assertThat(attrs.get(FathomAttributes.METHOD)).isEqualTo("psi");
      assertThat(attrs.get(FathomEvents.DRIFT_SCORE)).isEqualTo(0.31);
      assertThat(attrs.get(FathomEvents.DRIFT_THRESHOLD)).isEqualTo(0.2);
      assertThat(attrs.get(FathomEvents.DRIFT_SAMPLES)).isEqualTo(1000L);
      assertThat(record.getBodyValue().asString()).isEqualTo("drift on amount of fraud@3: psi 0.31 > 0.2");
    }
  }

  @Test
  void customEventsAndLongMessages() {
    try (OtelHarness otel = new OtelHarness()) {
      FathomEvents events = FathomEvents.create(otel.sdk);
      events.emit("fathom.test", Severity.INFO, Attributes.of(FathomAttributes.RULE, "range"), null);
      assertThat(otel.events("fathom.test")).singleElement().satisfies(r -> assertThat(r.getAttributes().get(FathomAttributes.RULE)).isEqualTo("range"));
      events.modelLoadFailed("fraud", 4, "load_failed", new IllegalStateException("x".repeat(10_000)));
      String message = otel.events(FathomEvents.MODEL_LOAD_FAILED).get(0).getAttributes().get(FathomAttributes.EXCEPTION_MESSAGE);
      assertThat(message).hasSize(FathomEvents.MAX_MESSAGE + 3);
    }
  }

  @Test
  void noopEventsDoNothingAndNeverThrow() {
    FathomEvents events = FathomEvents.create(OpenTelemetry.noop());
    assertThat(events.enabled()).isFalse();
    assertThatCode(() -> {
      events.driftDetected(null, 1, null, null, Double.NaN, 0, 0);
      events.modelLoadFailed("m", 1, null, null);
      events.emit("fathom.x", Severity.INFO, null, null);
    }).doesNotThrowAnyException();
  }

  @Test
  void nullValuesNeverThrowWithARealSdk() {
    try (OtelHarness otel = new OtelHarness()) {
      FathomEvents events = FathomEvents.create(otel.sdk);
      assertThatCode(() -> {
        events.driftDetected(null, 1, null, null, Double.NaN, 0, 0);
        events.modelLoadFailed("m", 1, null, null);
        events.modelLoaded(null, 1, 5, false);
      }).doesNotThrowAnyException();
    }
  }
}
