package dev.fathom.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.fathom.agent.bootstrap.AgentLog;
import dev.fathom.agent.monitor.MethodTarget;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.nio.ByteBuffer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the agent's instrumentation in two steps, so premain stays fast and no class is missed:
 *
 * <ol>
 *   <li>{@link #installGate()} (premain): a plain {@link ClassFileTransformer} that looks at class
 *       names only. A class it cares about ({@code ai.onnxruntime.OrtSession}, the classes of {@code
 *       instrument.methods}) that loads before Byte Buddy is ready waits for it (at most {@link
 *       #GATE_TIMEOUT_SECONDS}); every other class passes at the cost of a set lookup.
 *   <li>{@link #activate()} (the agent's start-up thread): builds Byte Buddy's transformer with
 *       narrow matchers, opens the gate, and retransforms the classes already loaded (after a
 *       dynamic attach).
 * </ol>
 *
 * Classes of the agent's own class loader (its ONNX Runtime) are never touched. A method the
 * application's library version does not have is skipped with one log line. Thread-safe.
 */
public final class Instrumenter {
  static final long GATE_TIMEOUT_SECONDS = 10;
  static final String ORT_SESSION = "ai.onnxruntime.OrtSession";

  private final Instrumentation instrumentation;
  private final ClassLoader agentLoader;
  private final boolean onnxRuntime;
  private final List<MethodTarget> methods;
  private final Set<String> internalNames = ConcurrentHashMap.newKeySet();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  private final Gate gate = new Gate();

  public Instrumenter(Instrumentation instrumentation, ClassLoader agentLoader, boolean onnxRuntime, List<MethodTarget> methods) {
    this.instrumentation = instrumentation;
    this.agentLoader = agentLoader;
    this.onnxRuntime = onnxRuntime;
    this.methods = List.copyOf(methods);
    if (onnxRuntime) {
      internalNames.add(ORT_SESSION.replace('.', '/'));
    }
    for (MethodTarget m : methods) {
      internalNames.add(m.className().replace('.', '/'));
    }
  }

  /** Whether there is anything to instrument. */
  public boolean active() {
    return !internalNames.isEmpty();
  }

  /** Step 1, premain: registers the name gate. */
  public void installGate() {
    instrumentation.addTransformer(gate, true);
  }

  /**
   * Step 2: builds the transformer, opens the gate and retransforms what is already loaded.
   *
   * @param retransformLoaded whether to look for already-loaded classes (after an attach)
   */
  public void activate(boolean retransformLoaded) {
    try {
      gate.open(build());
    } catch (RuntimeException | LinkageError e) {
      gate.open(null);
      AgentLog.warn("instrumentation disabled: " + AgentLog.reason(e));
      return;
    }
    if (retransformLoaded || gate.missed()) {
      retransformLoaded();
    }
  }

  private void retransformLoaded() {
    for (Class<?> c : instrumentation.getAllLoadedClasses()) {
      if (internalNames.contains(c.getName().replace('.', '/')) && c.getClassLoader() != agentLoader && instrumentation.isModifiableClass(c)) {
        try {
          instrumentation.retransformClasses(c);
        } catch (Throwable t) {
          AgentLog.warn("cannot instrument the already loaded " + c.getName() + ": " + AgentLog.reason(t));
        }
      }
    }
  }

  private ClassFileTransformer build() {
    AgentBuilder builder =
        new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
            .with(AgentBuilder.TypeStrategy.Default.DECORATE)
            .with(new ErrorListener())
            .ignore(none());
    if (onnxRuntime) {
      builder = builder.type(named(ORT_SESSION)).transform(this::onnxRuntime);
    }
    for (MethodTarget target : methods) {
      builder = builder.type(named(target.className())).transform((b, type, loader, module, domain) -> method(b, type, target));
    }
    return builder.makeRaw();
  }

  private DynamicType.Builder<?> onnxRuntime(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader, JavaModule module, ProtectionDomain domain) {
    ElementMatcher.Junction<MethodDescription> run = innermostRun(type);
    ElementMatcher.Junction<MethodDescription> create =
        isConstructor().and(takesArguments(4)).and(takesArgument(1, String.class).or(takesArgument(1, byte[].class)).or(takesArgument(1, ByteBuffer.class)));
    if (type.getDeclaredMethods().filter(run).isEmpty()) {
      once("run", "this ONNX Runtime has no OrtSession.run(Map, ...) to instrument; its inference calls are not monitored");
    } else {
      builder = builder.visit(Advice.to(OrtRunAdvice.class).on(run));
    }
    if (type.getDeclaredMethods().filter(create).isEmpty()) {
      once("create", "this ONNX Runtime has no OrtSession constructor from a path, bytes or buffer to instrument; sessions are named after their graph");
    } else {
      builder = builder.visit(Advice.to(OrtSessionAdvice.class).on(create));
    }
    return builder;
  }

  /**
   * The public {@code run} overload taking the inputs map with the most parameters: the one every
   * other overload delegates to (4 parameters in ONNX Runtime 1.17 and later, 3 before).
   */
  static ElementMatcher.Junction<MethodDescription> innermostRun(TypeDescription type) {
    int most = -1;
    for (MethodDescription m : type.getDeclaredMethods()) {
      if (isRun(m)) {
        most = Math.max(most, m.getParameters().size());
      }
    }
    int arity = most;
    return new ElementMatcher.Junction.AbstractBase<MethodDescription>() {
      @Override
      public boolean matches(MethodDescription m) {
        return isRun(m) && m.getParameters().size() == arity;
      }
    };
  }

  private static boolean isRun(MethodDescription m) {
    return m.getName().equals("run")
        && m.isPublic()
        && !m.isStatic()
        && !m.isAbstract()
        && m.getParameters().size() > 0
        && m.getParameters().get(0).getType().asErasure().represents(Map.class);
  }

  private DynamicType.Builder<?> method(DynamicType.Builder<?> builder, TypeDescription type, MethodTarget target) {
    ElementMatcher.Junction<MethodDescription> matcher = named(target.methodName()).and(not(isAbstract())).and(not(isNative()));
    List<MethodDescription> matched = new ArrayList<>();
    for (MethodDescription m : type.getDeclaredMethods().filter(matcher)) {
      matched.add(m);
    }
    if (matched.isEmpty()) {
      once("method:" + target.id(), target.className() + " has no method " + target.methodName() + " with a body; it is not monitored");
      return builder;
    }
    for (MethodDescription m : matched) {
      String[] names = new String[m.getParameters().size()];
      int i = 0;
      for (ParameterDescription p : m.getParameters()) {
        names[i++] = p.isNamed() ? p.getName() : null;
      }
      target.parameters(names);
    }
    return builder.visit(Advice.withCustomMapping().bind(MethodId.class, target.id()).to(MethodAdvice.class).on(matcher));
  }

  private void once(String key, String message) {
    if (reported.add(key)) {
      AgentLog.warn(message);
    }
  }

  /** The premain transformer: names only, waits for Byte Buddy for the few classes that matter. */
  private final class Gate implements ClassFileTransformer {
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile ClassFileTransformer delegate;
    private volatile boolean missed;

    void open(ClassFileTransformer transformer) {
      delegate = transformer;
      ready.countDown();
    }

    boolean missed() {
      return missed;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes)
        throws IllegalClassFormatException {
      if (className == null || !internalNames.contains(className) || (loader != null && loader == agentLoader)) {
        return null;
      }
      try {
        if (!ready.await(GATE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          missed = true;
          once("gate", "the instrumentation was not ready within " + GATE_TIMEOUT_SECONDS + " s; " + className.replace('/', '.') + " is instrumented later");
          return null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        missed = true;
        return null;
      }
      ClassFileTransformer d = delegate;
      if (d == null) {
        return null;
      }
      try {
        return d.transform(module, loader, className, redefined, domain, bytes);
      } catch (Throwable t) {
        once("transform:" + className, "cannot instrument " + className.replace('/', '.') + ": " + AgentLog.reason(t));
        return null;
      }
    }
  }

  /** Logs each failed transformation once. */
  private final class ErrorListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
      once("error:" + typeName, "cannot instrument " + typeName + ": " + AgentLog.reason(throwable));
    }
  }

  /** Names of everything the gate watches, for tests. */
  Map<String, Boolean> watched() {
    Map<String, Boolean> out = new HashMap<>();
    for (String name : internalNames) {
      out.put(name, true);
    }
    return out;
  }
}
