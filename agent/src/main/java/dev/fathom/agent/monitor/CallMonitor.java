package dev.fathom.agent.monitor;

import dev.fathom.agent.bootstrap.AgentLog;
import dev.fathom.agent.bootstrap.CallHandler;
import dev.fathom.internal.inference.CallView;
import dev.fathom.internal.inference.DatalessCall;
import dev.fathom.internal.inference.InferenceObserver;
import dev.fathom.internal.inference.ModelSignature;
import dev.fathom.internal.inference.ObserverFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The agent's {@link CallHandler}: monitors the application's own ONNX Runtime sessions and the
 * methods named in configuration, through the same observers ({@link InferenceObserver}: latency,
 * errors, sampling, validation, drift) the library gives its own models.
 *
 * <p>Sessions: creation starts identifying the model (off the application's thread, see {@link
 * ModelResolver}); sessions created by Fathom's own library inside the application are left alone,
 * since the library counts their calls itself. A call on a session whose model is not known yet is
 * not recorded. A run costs two identity lookups among the known sessions (a short array scan, at
 * its start and its end), the observer's clock reads and records, and nothing allocated unless the
 * monitor samples it.
 *
 * <p>Methods: every call is timed; a fraction ({@code sampling.rate}) is sampled, and only then
 * does the advice build the argument array that is mapped to the model's features.
 *
 * <p>Thread-safe; never throws into the application.
 */
public final class CallMonitor implements CallHandler {
  /** Token for an observed call whose observer does not time calls (its start token is 0). */
  private static final long UNTIMED = Long.MIN_VALUE;
  private static final String LIBRARY_SESSION_FACTORY = "dev.fathom.internal.inference.SessionFactory";
  private static final Object LIBRARY_SESSION = new Object();
  /** What the timing observer needs of an unsampled method call: one row. */
  private static final CallView ONE_ROW = new DatalessCall(1, 0L);

  private final SessionTable sessions = new SessionTable();
  private final ModelResolver resolver;
  private final ThreadLocal<OrtCallView> views = new Views();
  private final List<MethodTarget> methods;
  private final Runnable sessionSeen;
  private volatile MethodBinding[] bindings = new MethodBinding[0];

  /**
   * @param sessionSeen told whenever the application creates (or, after an attach, first uses) a
   *     session: the agent starts what monitoring it needs then, if it has not yet
   */
  public CallMonitor(Path registry, List<MethodTarget> methods, Runnable sessionSeen) {
    this.resolver = new ModelResolver(registry);
    this.methods = List.copyOf(methods);
    this.sessionSeen = sessionSeen;
  }

  /** Loads what the first session's creation needs, off the application's threads. */
  public void prepare() {
    resolver.prepare();
  }

  /**
   * Starts recording, once telemetry is up: sessions through {@code sessionObservers}; methods are
   * timed through {@code methodTiming} (telemetry) and their sampled calls (a {@code samplingRate}
   * fraction) handed to {@code methodSamples} (monitoring), which should take every call it is
   * given.
   */
  public void start(ObserverFactory sessionObservers, ObserverFactory methodTiming, ObserverFactory methodSamples, double samplingRate) {
    resolver.observers(sessionObservers);
    MethodBinding[] bound = new MethodBinding[methods.size()];
    for (MethodTarget target : methods) {
      try {
        ModelResolver.MethodModel model = resolver.methodModel(target.model(), target.derivedModelName());
        ObserverFactory.VersionInfo info = new ObserverFactory.VersionInfo(model.manifest(), new ModelSignature(model.manifest()), model.directory());
        bound[target.id()] = new MethodBinding(target, info.signature(), methodTiming.create(info), methodSamples.create(info), samplingRate);
        AgentLog.info("monitoring " + target.className() + "#" + target.methodName() + " as model " + model.manifest().name() + " (" + model.source() + ")");
      } catch (RuntimeException e) {
        AgentLog.warn("cannot monitor " + target.className() + "#" + target.methodName() + ": " + AgentLog.reason(e));
      }
    }
    bindings = bound;
  }

  @Override
  public Object sessionCreating(Object source) {
    sessionSeen.run();
    if (createdByLibrary()) {
      return LIBRARY_SESSION;
    }
    return resolver.hashing(source);
  }

  @Override
  public void sessionCreated(Object session, Object token) {
    if (token == LIBRARY_SESSION) {
      sessions.putIfAbsent(session, SessionState.NOT_MONITORED);
      return;
    }
    SessionState state = new SessionState();
    if (sessions.putIfAbsent(session, state) == state) {
      resolver.resolve(state, session, token instanceof ModelResolver.Pending ? (ModelResolver.Pending) token : null);
    }
  }

  @Override
  public long runStart(Object session) {
    SessionState state = sessions.get(session);
    if (state == null) {
      state = adopt(session);
    }
    ModelIdentity identity = state.identity;
    if (identity == null) {
      return 0L;
    }
    long token = identity.observer().start();
    return token == 0L ? UNTIMED : token;
  }

  @Override
  public void runEnd(Object session, Object inputs, Object result, Throwable error, long token) {
    SessionState state = sessions.get(session);
    ModelIdentity identity = state == null ? null : state.identity;
    if (identity == null) {
      return;
    }
    long start = token == UNTIMED ? 0L : token;
    if (error != null) {
      identity.observer().failed(start, "inference_failed");
      return;
    }
    OrtCallView view = views.get();
    view.reset(state, identity, inputs, result);
    try {
      identity.observer().succeeded(start, view);
    } finally {
      view.clear();
    }
  }

  /** A session created before the instrumentation was in place (dynamic attach): known from now on. */
  private SessionState adopt(Object session) {
    sessionSeen.run();
    SessionState state = new SessionState();
    SessionState present = sessions.putIfAbsent(session, state);
    if (present == state) {
      resolver.resolve(state, session, null);
    }
    return present;
  }

  /**
   * Whether Fathom's own library (in the application) is creating the session. A plain stack trace
   * rather than a {@code StackWalker} stream: sessions are created rarely, and the stream's lambdas
   * would be spun on the application's thread while it creates its first session.
   */
  private static boolean createdByLibrary() {
    for (StackTraceElement frame : new Throwable().getStackTrace()) {
      if (frame.getClassName().equals(LIBRARY_SESSION_FACTORY)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public long methodStart(int method) {
    MethodBinding[] bound = bindings;
    MethodBinding b = method < bound.length ? bound[method] : null;
    if (b == null) {
      return 0L;
    }
    long token = b.timing.start();
    return token == 0L ? UNTIMED : token;
  }

  @Override
  public boolean methodEnd(int method, long token, Throwable error) {
    MethodBinding b = bindings[method];
    long start = token == UNTIMED ? 0L : token;
    if (error != null) {
      b.timing.failed(start, error.getClass().getSimpleName());
      return false;
    }
    b.timing.succeeded(start, ONE_ROW);
    return b.samplingRate > 0 && ThreadLocalRandom.current().nextDouble() < b.samplingRate;
  }

  @Override
  public void methodSample(int method, Object[] arguments, Object result) {
    MethodBinding b = bindings[method];
    String[] names = arguments == null ? null : b.target.parameterNames().get(arguments.length);
    b.samples.succeeded(0L, new MethodCallView(b.signature, names, arguments, result));
  }

  public void close() {
    resolver.close();
  }

  /** One reusable view per thread (a subclass, not a lambda: this is built at premain). */
  private static final class Views extends ThreadLocal<OrtCallView> {
    @Override
    protected OrtCallView initialValue() {
      return new OrtCallView();
    }
  }

  /** A monitored method with its observers. */
  private record MethodBinding(MethodTarget target, ModelSignature signature, InferenceObserver timing, InferenceObserver samples, double samplingRate) {}
}
