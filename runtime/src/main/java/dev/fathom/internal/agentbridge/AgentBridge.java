package dev.fathom.internal.agentbridge;

import dev.fathom.registry.Manifest;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The library's side of the bridge to the Fathom agent. The agent's bootstrap classes ({@code
 * dev.fathom.agent.bootstrap.FathomBridge} and {@code FathomService}) live in the bootstrap class
 * loader and speak only JDK types, because the agent's copy of Fathom is a different set of classes
 * in another class loader. This class finds the agent's service there and calls it through method
 * handles bound to it and adapted to plain {@code Object} signatures, so a call costs an interface
 * dispatch and no reflection; the predictor path passes primitives and allocates nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class AgentBridge {
  private static final Logger LOG = Logger.getLogger(AgentBridge.class.getName());
  /** The {@code FathomService} protocol this library speaks. */
  static final int PROTOCOL = 1;

  static final String BRIDGE_CLASS = "dev.fathom.agent.bootstrap.FathomBridge";
  static final String SERVICE_CLASS = "dev.fathom.agent.bootstrap.FathomService";
  static final String EXCEPTION_CLASS = "dev.fathom.agent.bootstrap.BridgeException";

  final MethodHandle registry;
  final MethodHandle model;
  final MethodHandle reference;
  final MethodHandle version;
  final MethodHandle manifestJson;
  final MethodHandle run;
  final MethodHandle predictRow;
  final MethodHandle predictFeatures;
  final MethodHandle predictBatch;
  final MethodHandle predictor;
  final MethodHandle predictorRunFloats;
  final MethodHandle predictorRunDoubles;
  final MethodHandle predictorOutput;
  final MethodHandle predictorOutputSize;
  final MethodHandle predictorLastVersion;
  final MethodHandle predictorLast;
  final MethodHandle predictorClose;
  final MethodHandle refresh;
  final MethodHandle recordOutcome;
  final MethodHandle recordOutcomeLabel;
  final BridgeErrors errors;
  /**
   * Manifests and output labels by {@code model@version}, for every model of this process: a
   * version's manifest never changes, so each is fetched and parsed once, not once per {@code Model}.
   */
  final Map<String, VersionSchema> schemas = new java.util.concurrent.ConcurrentHashMap<>();

  /** A version's manifest and its output labels (immutable). */
  record VersionSchema(Manifest manifest, Map<String, List<String>> labels) {}

  private AgentBridge(Object service, Class<?> api, Class<?> exception) throws ReflectiveOperationException {
    this.registry = bind(service, api, "registry", String.class);
    this.model = bind(service, api, "model", Object.class, String.class);
    this.reference = bind(service, api, "reference", String.class, Object.class);
    this.version = bind(service, api, "version", long.class, Object.class);
    this.manifestJson = bind(service, api, "manifestJson", String.class, Object.class, long.class);
    this.run = bind(service, api, "run", Object[].class, Object.class, String[].class, String[].class, long[][].class, Object[].class);
    this.predictRow = bind(service, api, "predictRow", Object[].class, Object.class, double[].class);
    this.predictFeatures = bind(service, api, "predictFeatures", Object[].class, Object.class, Map.class);
    this.predictBatch = bind(service, api, "predictBatch", Object[][].class, Object.class, List.class);
    this.predictor = bind(service, api, "predictor", Object.class, Object.class);
    this.predictorRunFloats = bind(service, api, "predictorRunFloats", long.class, Object.class, float[].class);
    this.predictorRunDoubles = bind(service, api, "predictorRunDoubles", long.class, Object.class, double[].class);
    this.predictorOutput = bind(service, api, "predictorOutput", double.class, Object.class, int.class, int.class);
    this.predictorOutputSize = bind(service, api, "predictorOutputSize", int.class, Object.class, int.class);
    this.predictorLastVersion = bind(service, api, "predictorLastVersion", long.class, Object.class);
    this.predictorLast = bind(service, api, "predictorLast", Object[].class, Object.class);
    this.predictorClose = bind(service, api, "predictorClose", void.class, Object.class);
    this.refresh = bind(service, api, "refresh", void.class);
    this.recordOutcome = bind(service, api, "recordOutcome", boolean.class, long.class, double.class);
    this.recordOutcomeLabel = bind(service, api, "recordOutcomeLabel", boolean.class, long.class, String.class);
    this.errors = new BridgeErrors(exception, MethodHandles.publicLookup().findVirtual(exception, "details", MethodType.methodType(String[].class)));
  }

  /**
   * The agent's bridge, or null when no Fathom agent runs in this JVM (or one speaking another
   * protocol, logged once).
   */
  public static AgentBridge connect() {
    // null: the bootstrap loader, where the agent puts its bridge
    return connect(null);
  }

  /**
   * The agent's bridge as seen from {@code loader} (null for the bootstrap loader); tests pass the
   * loader that holds the agent's classes.
   */
  public static AgentBridge connect(ClassLoader loader) {
    Class<?> bridge;
    try {
      bridge = Class.forName(BRIDGE_CLASS, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
    try {
      Object service = bridge.getMethod("service").invoke(null);
      if (service == null) {
        return null;
      }
      Class<?> api = Class.forName(SERVICE_CLASS, false, loader);
      int protocol = (int) api.getMethod("protocolVersion").invoke(service);
      if (protocol != PROTOCOL) {
        LOG.warning("Fathom: the Fathom agent in this JVM speaks bridge protocol " + protocol + ", this library " + PROTOCOL + "; using a local instance instead");
        return null;
      }
      return new AgentBridge(service, api, Class.forName(EXCEPTION_CLASS, false, loader));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.warning("Fathom: cannot connect to the Fathom agent in this JVM (" + e + "); using a local instance instead");
      return null;
    }
  }

  /** The service method, bound to the service and typed with {@code Object} for every handle. */
  private static MethodHandle bind(Object service, Class<?> api, String name, Class<?> returns, Class<?>... parameters) throws ReflectiveOperationException {
    MethodHandle handle = MethodHandles.publicLookup().findVirtual(api, name, MethodType.methodType(returns, parameters)).bindTo(service);
    return handle;
  }

  /**
   * The library exception for a failed bridge call: a {@code BridgeException} becomes the typed
   * Fathom exception it describes, other failures pass through.
   */
  public RuntimeException translate(Throwable failure) {
    return errors.translate(failure);
  }

  /** The registry directory the agent serves. */
  public String registry() {
    try {
      return (String) registry.invokeExact();
    } catch (Throwable t) {
      throw errors.translate(t);
    }
  }

  /** A model of the agent; throws the library's typed exceptions. */
  public AgentModel model(String reference) {
    Object handle;
    try {
      handle = (Object) model.invokeExact(reference);
    } catch (Throwable t) {
      throw errors.translate(t);
    }
    return new AgentModel(this, handle);
  }

  public void refresh() {
    try {
      refresh.invokeExact();
    } catch (Throwable t) {
      throw errors.translate(t);
    }
  }

  public boolean recordOutcome(long predictionId, double actual) {
    try {
      return (boolean) recordOutcome.invokeExact(predictionId, actual);
    } catch (Throwable t) {
      throw errors.translate(t);
    }
  }

  public boolean recordOutcome(long predictionId, String actualLabel) {
    try {
      return (boolean) recordOutcomeLabel.invokeExact(predictionId, actualLabel);
    } catch (Throwable t) {
      throw errors.translate(t);
    }
  }
}
