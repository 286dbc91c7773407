/**
 * Fathom's OpenTelemetry instrumentation (API only; the host or the agent brings the SDK).
 *
 * <p>{@link dev.fathom.internal.telemetry.Telemetry} owns the inference and model-lifecycle
 * instruments: one {@code VersionObserver} per loaded version records
 * every call (exact percentiles through an HdrHistogram recorder per version, the mergeable {@code
 * fathom.inference.duration} histogram, errors by type, rows) and {@code fathom.predict} spans;
 * the lifecycle listener records load durations, load failures and events.
 *
 * <p>Other Fathom modules (validation, drift) that emit their own telemetry through the same
 * {@link io.opentelemetry.api.OpenTelemetry} instance should:
 *
 * <ul>
 *   <li>get their meter with scope {@link dev.fathom.internal.telemetry.FathomAttributes#SCOPE};
 *   <li>label series with the keys of {@link dev.fathom.internal.telemetry.FathomAttributes}
 *       ({@code model.name}, {@code model.version} as a string, {@code feature}, {@code method},
 *       {@code rule}), built once per version, never per call;
 *   <li>emit events through {@link dev.fathom.internal.telemetry.FathomEvents}, for example:
 *       <pre>{@code
 * FathomEvents events = FathomEvents.create(openTelemetry);
 * events.emit(FathomEvents.DRIFT_DETECTED, Severity.WARN, attributes, "drift on amount");
 * }</pre>
 *   <li>never put raw input values into attributes, event bodies or span attributes.
 * </ul>
 */
package dev.fathom.internal.telemetry;
