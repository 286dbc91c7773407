package dev.fathom.internal.inference;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.fathom.ElementType;
import dev.fathom.FathomException;
import dev.fathom.ModelLoadException;
import dev.fathom.Tensor;
import dev.fathom.registry.LocalRegistry;
import dev.fathom.registry.Manifest;
import dev.fathom.registry.TensorSpec;
import java.lang.reflect.Array;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Turns a registry version into a {@link LoadedVersion}: verify (manifest, checksums, external
 * data), create the session, check that the model matches its manifest, attach the observer and
 * warm up with the configured number of runs on both call paths. Anything that fails closes what
 * was created and surfaces as a {@link ModelLoadException} naming the version and the reason.
 * Thread-safe.
 */
public final class VersionLoader {
  private static final Logger LOG = Logger.getLogger(VersionLoader.class.getName());

  private final LocalRegistry registry;
  private final SessionFactory sessions;
  private final ObserverFactory observers;

  public VersionLoader(LocalRegistry registry, SessionFactory sessions, ObserverFactory observers) {
    this.registry = registry;
    this.sessions = sessions;
    this.observers = observers;
  }

  public SessionFactory sessions() {
    return sessions;
  }

  /**
   * Loads and warms a version.
   *
   * @throws FathomException (a {@link ModelLoadException} or subclass, or a not-found exception)
   */
  public LoadedVersion load(String model, long version) {
    long start = System.nanoTime();
    LocalRegistry.VerifiedVersion verified = registry.verify(model, version);
    Manifest manifest = verified.manifest();
    OrtSession session;
    SessionFactory.Source source;
    try {
      SessionFactory.Created created =
          sessions.create(verified.modelFile(), manifest.model().sha256(), manifest.runtime(), manifest.externalData().isEmpty());
      session = created.session();
      source = created.source();
    } catch (OrtException | RuntimeException e) {
      throw new ModelLoadException(model, version, "ONNX Runtime cannot load " + verified.modelFile() + ": " + e.getMessage(), e);
    }
    try {
      checkAgainstSession(manifest, session);
      LoadedVersion loaded = new LoadedVersion(manifest, verified.directory(), session, new ModelSignature(manifest), source);
      warmUp(loaded, warmupRuns(manifest));
      loaded.loadNanos(System.nanoTime() - start);
      loaded.observer(safeObserver(loaded));
      return loaded;
    } catch (FathomException e) {
      closeQuietly(session);
      throw e;
    } catch (OrtException | RuntimeException e) {
      closeQuietly(session);
      throw new ModelLoadException(model, version, "warm-up failed: " + e.getMessage(), e);
    }
  }

  private int warmupRuns(Manifest manifest) {
    Integer hint = manifest.runtime().warmupRuns();
    return hint != null ? hint : sessions.defaults().warmupRuns();
  }

  private InferenceObserver safeObserver(LoadedVersion version) {
    try {
      InferenceObserver observer = observers.create(new ObserverFactory.VersionInfo(version.manifest(), version.signature(), version.directory()));
      return observer == null ? InferenceObserver.NOOP : observer;
    } catch (RuntimeException e) {
      LOG.warning("Fathom: monitoring disabled for " + version + ": " + e);
      return InferenceObserver.NOOP;
    }
  }

  private static void checkAgainstSession(Manifest manifest, OrtSession session) {
    Set<String> declaredInputs = new LinkedHashSet<>();
    manifest.inputs().forEach(s -> declaredInputs.add(s.name()));
    Set<String> declaredOutputs = new LinkedHashSet<>();
    manifest.outputs().forEach(s -> declaredOutputs.add(s.name()));
    if (!declaredInputs.equals(session.getInputNames()) || !declaredOutputs.equals(session.getOutputNames())) {
      throw new ModelLoadException(
          manifest.name(),
          manifest.version(),
          "the manifest declares inputs "
              + declaredInputs
              + " and outputs "
              + declaredOutputs
              + " but the model has "
              + session.getInputNames()
              + " and "
              + session.getOutputNames(),
          null);
    }
  }

  /** Runs the version on zeros through the shared path and, when eligible, the fast path. */
  private static void warmUp(LoadedVersion version, int runs) throws OrtException {
    if (runs == 0) {
      return;
    }
    Map<String, Tensor> zeros = new HashMap<>();
    for (TensorSpec spec : version.signature().inputs()) {
      zeros.put(spec.name(), zeros(spec));
    }
    for (int i = 0; i < runs; i++) {
      GenericCall.run(version, zeros, 1, 0L);
    }
    if (version.bindable()) {
      Binding binding = version.newBinding();
      try {
        for (int i = 0; i < runs; i++) {
          binding.run();
        }
      } catch (OrtException e) {
        LOG.info("Fathom: " + version + " produces outputs that differ from their declared shapes; using the general path: " + e.getMessage());
        version.disableFastPath();
      } finally {
        version.discard(binding);
      }
    }
  }

  /** A tensor of zeros (empty strings, false) in the declared shape, dynamic dimensions as 1. */
  static Tensor zeros(TensorSpec spec) {
    long[] shape = ModelSignature.concreteShape(spec, 1);
    int size = Math.toIntExact(Tensor.elementCount(shape));
    ElementType type = spec.elementType();
    Object data = Array.newInstance(type.arrayType().getComponentType(), size);
    if (type == ElementType.STRING) {
      java.util.Arrays.fill((String[]) data, "");
    }
    return Tensor.of(type, shape, data);
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException | RuntimeException ignored) {
      // already failing; the original error is what matters
    }
  }
}
