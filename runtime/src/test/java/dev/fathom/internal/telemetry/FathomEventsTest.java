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
      events.emit(FathomEvents.DRIFT_DETECTED, Severity.WARN, null, null);
      events.modelLoadFailed("m", 1, null, null);
      events.emit("fathom.x", Severity.INFO, null, null);
    }).doesNotThrowAnyException();
  }

  @Test
  void nullValuesNeverThrowWithARealSdk() {
    try (OtelHarness otel = new OtelHarness()) {
      FathomEvents events = FathomEvents.create(otel.sdk);
      assertThatCode(() -> {
        events.emit(FathomEvents.DRIFT_DETECTED, Severity.WARN, null, null);
        events.modelLoadFailed("m", 1, null, null);
        events.modelLoaded(null, 1, 5, false);
      }).doesNotThrowAnyException();
    }
  }
}
