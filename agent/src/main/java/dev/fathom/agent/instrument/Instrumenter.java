package dev.fathom.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.fathom.agent.bootstrap.AgentLog;
import dev.fathom.agent.monitor.MethodTarget;
import java.io.IOException;
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
import java.util.function.Supplier;
import java.util.jar.JarFile;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Installs the agent's instrumentation in two steps, so premain stays fast and no class is missed:
 *
 * <ol>
 *   <li>{@link #installGate()} (premain): a plain {@link ClassFileTransformer} that looks at class
 *       names only. A class it cares about ({@code ai.onnxruntime.OrtSession}, the classes of {@code
 *       instrument.methods}) that loads before Byte Buddy is ready waits for it (at most {@link
 *       #GATE_TIMEOUT_SECONDS}); every other class passes at the cost of a set lookup.
 *   <li>{@link #activate} (the agent's start-up thread): builds and warms up the Byte Buddy
 *       transformer (advice on narrow matchers), opens the gate, and retransforms the classes
 *       already loaded (after a dynamic attach).
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
  private final Supplier<JarFile> applicationOrtJar;
  private final Set<String> methodClasses = ConcurrentHashMap.newKeySet();
  private final CountDownLatch methodsRecording = new CountDownLatch(1);

  /**
   * @param applicationOrtJar the application's ONNX Runtime jar, or null when it has none on its
   *     class path; its {@code OrtSession} is transformed ahead, off the application's threads
   */
  public Instrumenter(Instrumentation instrumentation, ClassLoader agentLoader, boolean onnxRuntime, List<MethodTarget> methods, Supplier<JarFile> applicationOrtJar) {
    this.instrumentation = instrumentation;
    this.applicationOrtJar = applicationOrtJar;
    this.agentLoader = agentLoader;
    this.onnxRuntime = onnxRuntime;
    this.methods = List.copyOf(methods);
    if (onnxRuntime) {
      internalNames.add(ORT_SESSION.replace('.', '/'));
    }
    for (MethodTarget m : methods) {
      internalNames.add(m.className().replace('.', '/'));
      methodClasses.add(m.className().replace('.', '/'));
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
      long t0 = System.nanoTime();
      ClassFileTransformer transformer = build();
      AgentLog.debug("Byte Buddy transformer built in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
      gate.open(transformer);
    } catch (RuntimeException | LinkageError e) {
      gate.open(null);
      AgentLog.warn("instrumentation disabled: " + AgentLog.reason(e));
      return;
    }
    if (retransformLoaded || gate.missed()) {
      retransformLoaded();
    }
  }

  /**
   * The monitored methods' observers are in place: their classes may load now. They wait for this
   * too (within the gate's time limit), so that no call of a monitored method goes unrecorded.
   */
  public void methodsRecording() {
    methodsRecording.countDown();
    if (gate.missed() && gate.delegate != null) {
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

  /**
   * Byte Buddy's pieces, built and warmed up on the agent's thread: a {@link ByteBuddy} that
   * decorates classes in place (advice only, no new members, so it also serves retransformation)
   * and the parsed advice. Deliberately not an {@code AgentBuilder}: its transformer factory
   * generates a class at start-up, which costs hundreds of milliseconds on a small machine.
   */
  private ClassFileTransformer build() {
    ByteBuddy byteBuddy = new ByteBuddy().with(TypeValidation.DISABLED);
    Advice run = Advice.to(OrtRunAdvice.class);
    Advice create = Advice.to(OrtSessionAdvice.class);
    Map<String, List<MethodTarget>> byClass = new HashMap<>();
    Map<Integer, Advice> methodAdvice = new HashMap<>();
    for (MethodTarget target : methods) {
      byClass.computeIfAbsent(target.className(), k -> new ArrayList<>()).add(target);
      methodAdvice.put(target.id(), Advice.withCustomMapping().bind(MethodId.class, target.id()).to(MethodAdvice.class));
    }
    ClassFileTransformer transformer =
        new ClassFileTransformer() {
          @Override
          public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
            String name = className.replace('/', '.');
            ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, bytes), loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
            TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
            TypeDescription type = pool.describe(name).resolve();
            DynamicType.Builder<?> builder = byteBuddy.decorate(type, locator);
            if (onnxRuntime && name.equals(ORT_SESSION)) {
              builder = onnxRuntime(builder, type, run, create);
            }
            for (MethodTarget target : byClass.getOrDefault(name, List.of())) {
              builder = method(builder, type, target, methodAdvice.get(target.id()));
            }
            return builder.make(pool).getBytes();
          }
        };
    if (!precompute(transformer)) {
      warmUp(transformer);
    }
    return transformer;
  }

  /**
   * Transforms the application's {@code OrtSession} from its jar now, so the class loads without
   * waiting for Byte Buddy when the application gets to it (the gate hands out the result when the
   * bytes it is given are the same). Returns whether it did.
   */
  private boolean precompute(ClassFileTransformer transformer) {
    if (!onnxRuntime) {
      return false;
    }
    try {
      JarFile jar = applicationOrtJar.get();
      java.util.zip.ZipEntry entry = jar == null ? null : jar.getEntry(ORT_SESSION.replace('.', '/') + ".class");
      if (entry == null) {
        return false;
      }
      byte[] original;
      try (java.io.InputStream in = jar.getInputStream(entry)) {
        original = in.readAllBytes();
      }
      // resolves the types OrtSession refers to from its own jar and the JDK
      try (java.net.URLClassLoader jarLoader = new java.net.URLClassLoader(new java.net.URL[] {new java.io.File(jar.getName()).toURI().toURL()}, null)) {
        byte[] transformed = transformer.transform(null, jarLoader, ORT_SESSION.replace('.', '/'), null, null, original);
        gate.precomputed(original, transformed);
      }
      return true;
    } catch (IOException | IllegalClassFormatException | RuntimeException | LinkageError e) {
      AgentLog.debug("cannot transform OrtSession ahead: " + AgentLog.reason(e));
      return false;
    }
  }

  /** Runs the whole pipeline once on a class of the agent's own, so the first real class does not pay for loading it. */
  private static void warmUp(ClassFileTransformer transformer) {
    String name = WarmUp.class.getName().replace('.', '/');
    try (java.io.InputStream in = WarmUp.class.getClassLoader().getResourceAsStream(name + ".class")) {
      if (in != null) {
        transformer.transform(WarmUp.class.getModule(), WarmUp.class.getClassLoader(), name, null, null, in.readAllBytes());
      }
    } catch (IOException | IllegalClassFormatException | RuntimeException e) {
      AgentLog.debug("instrumentation warm-up failed: " + AgentLog.reason(e));
    }
  }

  private DynamicType.Builder<?> onnxRuntime(DynamicType.Builder<?> builder, TypeDescription type, Advice runAdvice, Advice createAdvice) {
    ElementMatcher.Junction<MethodDescription> run = innermostRun(type);
    ElementMatcher.Junction<MethodDescription> create =
        isConstructor().and(takesArguments(4)).and(takesArgument(1, String.class).or(takesArgument(1, byte[].class)).or(takesArgument(1, ByteBuffer.class)));
    if (type.getDeclaredMethods().filter(run).isEmpty()) {
      once("run", "this ONNX Runtime has no OrtSession.run(Map, ...) to instrument; its inference calls are not monitored");
    } else {
      builder = builder.visit(runAdvice.on(run));
    }
    if (type.getDeclaredMethods().filter(create).isEmpty()) {
      once("create", "this ONNX Runtime has no OrtSession constructor from a path, bytes or buffer to instrument; sessions are named after their graph");
    } else {
      builder = builder.visit(createAdvice.on(create));
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

  private DynamicType.Builder<?> method(DynamicType.Builder<?> builder, TypeDescription type, MethodTarget target, Advice advice) {
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
    return builder.visit(advice.on(matcher));
  }

  private void once(String key, String message) {
    if (reported.add(key)) {
      AgentLog.warn(message);
    }
  }

  /** The premain transformer: names only, waits for Byte Buddy for the few classes that matter. */
  private final class Gate implements ClassFileTransformer {
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile byte[][] precomputed;

    void precomputed(byte[] original, byte[] transformed) {
      precomputed = new byte[][] {original, transformed};
    }

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
        long waitStart = System.nanoTime();
        boolean open = ready.await(GATE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (open && methodClasses.contains(className)) {
          open = methodsRecording.await(GATE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        if (!open) {
          missed = true;
          once("gate", "the instrumentation was not ready within " + GATE_TIMEOUT_SECONDS + " s; " + className.replace('/', '.') + " is instrumented later");
          return null;
        }
        if (AgentLog.debugEnabled()) {
          AgentLog.debug(className.replace('/', '.') + " waited " + (System.nanoTime() - waitStart) / 1_000_000 + " ms for the instrumentation");
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
      byte[][] ahead = precomputed;
      if (ahead != null && java.util.Arrays.equals(ahead[0], bytes)) {
        AgentLog.debug("instrumented " + className.replace('/', '.') + " ahead of time");
        return ahead[1].clone();
      }
      try {
        long transformStart = System.nanoTime();
        byte[] transformed = d.transform(module, loader, className, redefined, domain, bytes);
        if (AgentLog.debugEnabled()) {
          AgentLog.debug("instrumented " + className.replace('/', '.') + " in " + (System.nanoTime() - transformStart) / 1_000_000 + " ms");
        }
        return transformed;
      } catch (Throwable t) {
        once("transform:" + className, "cannot instrument " + className.replace('/', '.') + ": " + AgentLog.reason(t));
        return null;
      }
    }
  }
}
