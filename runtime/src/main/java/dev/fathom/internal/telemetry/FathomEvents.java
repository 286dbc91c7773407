package dev.fathom.internal.telemetry;

import dev.fathom.internal.util.ThrottledLog;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.logs.Severity;
import java.util.Objects;

/**
 * Fathom's events, emitted as OpenTelemetry log records through the Logs bridge API with an event
 * name ({@code fathom.model.loaded}, {@code fathom.model.load_failed}, {@code
 * fathom.drift.detected}), scope {@value FathomAttributes#SCOPE}, a one-line human body and
 * structured attributes. They reach a backend when the SDK has a log record exporter (the agent
 * sends them over OTLP when an endpoint is configured).
 *
 * <p>For Fathom's own modules: monitoring code creates one with {@link #create(OpenTelemetry)} from
 * the {@link OpenTelemetry} it was given and calls {@link #emit} (as monitoring does for {@link #DRIFT_DETECTED}, or for a
 * new kind of event). Attributes never carry raw input values.
 *
 * <p>Thread-safe. No method throws: a failing logger is reported through a throttled JUL warning
 * and the event is dropped.
 */
public final class FathomEvents {
  public static final String MODEL_LOADED = "fathom.model.loaded";
  public static final String MODEL_LOAD_FAILED = "fathom.model.load_failed";
  public static final String DRIFT_DETECTED = "fathom.drift.detected";

  public static final AttributeKey<Double> LOAD_DURATION = AttributeKey.doubleKey("fathom.load.duration");
  public static final AttributeKey<Boolean> FROM_OPTIMIZED_CACHE = AttributeKey.booleanKey("fathom.load.optimized_cache");

  /** Longest message kept in {@code exception.message}; longer ones are cut. */
  static final int MAX_MESSAGE = 2048;

  private static final FathomEvents NOOP = new FathomEvents(null);
  private static final ThrottledLog LOG = new ThrottledLog(java.util.logging.Logger.getLogger(FathomEvents.class.getName()), 5);

  private final Logger logger;

  private FathomEvents(Logger logger) {
    this.logger = logger;
  }

  /** Events through {@code openTelemetry}'s logger provider. */
  public static FathomEvents create(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    LoggerProvider provider = openTelemetry.getLogsBridge();
    if (provider == LoggerProvider.noop()) {
      return NOOP;
    }
    return new FathomEvents(provider.loggerBuilder(FathomAttributes.SCOPE).build());
  }

  /** Events that go nowhere. */
  public static FathomEvents noop() {
    return NOOP;
  }

  /** A version finished loading and warming up. */
  public void modelLoaded(String model, long version, long loadNanos, boolean fromOptimizedCache) {
    if (logger == null) {
      return;
    }
    try {
      Attributes attrs =
          FathomAttributes.model(model, version).toBuilder().put(LOAD_DURATION, loadNanos / 1e9).put(FROM_OPTIMIZED_CACHE, fromOptimizedCache).build();
      emit(MODEL_LOADED, Severity.INFO, attrs, model + "@" + version + " loaded in " + Math.round(loadNanos / 1e6) + " ms");
    } catch (RuntimeException e) {
      LOG.warn("cannot emit " + MODEL_LOADED, e);
    }
  }

  /** A version failed to verify or load; the version serving, if any, keeps serving. */
  public void modelLoadFailed(String model, long version, String errorType, Throwable error) {
    if (logger == null) {
      return;
    }
    try {
      String message = error == null ? "" : String.valueOf(error.getMessage());
      AttributesBuilder attrs = FathomAttributes.model(model, version).toBuilder().put(FathomAttributes.ERROR_TYPE, errorType);
      if (error != null) {
        attrs.put(FathomAttributes.EXCEPTION_TYPE, error.getClass().getName());
        attrs.put(FathomAttributes.EXCEPTION_MESSAGE, truncate(message));
      }
      emit(MODEL_LOAD_FAILED, Severity.WARN, attrs.build(), truncate(model + "@" + version + " failed to load (" + errorType + "): " + message));
    } catch (RuntimeException e) {
      LOG.warn("cannot emit " + MODEL_LOAD_FAILED, e);
    }
  }

  /**
   * Emits any event. Use a {@code fathom.} event name and the keys of {@link FathomAttributes}.
   *
   * @param body a one-line description for people, or null
   */
  public void emit(String eventName, Severity severity, Attributes attributes, String body) {
    if (logger == null) {
      return;
    }
    try {
      LogRecordBuilder record = logger.logRecordBuilder().setEventName(eventName).setSeverity(severity).setSeverityText(severity.name());
      if (attributes != null) {
        record.setAllAttributes(attributes);
      }
      if (body != null) {
        record.setBody(body);
      }
      record.emit();
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("cannot emit " + eventName, e);
    }
  }

  /** Whether events go anywhere (false for a no-op logger provider). */
  public boolean enabled() {
    return logger != null;
  }

  static String truncate(String s) {
    return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
  }
}
