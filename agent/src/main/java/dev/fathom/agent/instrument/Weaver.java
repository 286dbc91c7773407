package dev.fathom.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.fathom.agent.monitor.MethodTarget;
import java.lang.instrument.ClassFileTransformer;
import java.nio.ByteBuffer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The agent's Byte Buddy transformer: inlines {@link OrtRunAdvice} and {@link OrtSessionAdvice}
 * into ONNX Runtime's {@code OrtSession}, and {@link MethodAdvice} into the methods of {@code
 * instrument.methods}. Decorates classes in place (advice only, no new members), so the same
 * transformer serves class loading and retransformation. Deliberately not an {@code AgentBuilder}:
 * its transformer factory generates a class at start-up, which costs hundreds of milliseconds.
 *
 * <p>The woven ONNX Runtime classes depend only on their original bytes and this class (the advice
 * reads nothing else: no frames are computed, so no other type is resolved). The build therefore
 * weaves the bundled ONNX Runtime version with {@link #weaveOnnxRuntime} ({@code
 * src/build/PreWeave.java}) and the agent hands those bytes out without loading Byte Buddy at all
 * ({@link WovenClasses}).
 *
 * <p>Building one costs Byte Buddy's class loading (hundreds of milliseconds of CPU); use one per
 * agent. Thread-safe once built.
 */
public final class Weaver implements ClassFileTransformer {
  /** The ONNX Runtime classes the agent instruments (internal names). */
  public static final Set<String> ONNX_RUNTIME_CLASSES = Instrumenter.ONNX_RUNTIME_CLASSES;

  static final String ORT_SESSION = "ai.onnxruntime.OrtSession";

  /** Where a class cannot be instrumented as intended: reported once per key. */
  interface Problems {
    void report(String key, String message);
  }

  private final boolean onnxRuntime;
  private final Problems problems;
  private final ByteBuddy byteBuddy = new ByteBuddy().with(TypeValidation.DISABLED);
  private final Advice run = Advice.to(OrtRunAdvice.class);
  private final Advice create = Advice.to(OrtSessionAdvice.class);
  private final Map<String, List<MethodTarget>> byClass = new HashMap<>();
  private final Map<Integer, Advice> methodAdvice = new HashMap<>();

  Weaver(boolean onnxRuntime, List<MethodTarget> methods, Problems problems) {
    this.onnxRuntime = onnxRuntime;
    this.problems = problems;
    for (MethodTarget target : methods) {
      byClass.computeIfAbsent(target.className(), k -> new ArrayList<>()).add(target);
      methodAdvice.put(target.id(), Advice.withCustomMapping().bind(MethodId.class, target.id()).to(MethodAdvice.class));
    }
  }

  /**
   * Weaves one ONNX Runtime class exactly as the running agent does, for the build: {@code
   * resolver} finds the class files it refers to (its own jar). Any problem the agent would log
   * (a method not found) fails here instead, so the bundled version is always woven completely.
   *
   * @param internalName one of {@link #ONNX_RUNTIME_CLASSES}
   * @throws IllegalStateException when the class cannot be woven completely
   */
  public static byte[] weaveOnnxRuntime(String internalName, byte[] original, ClassLoader resolver) {
    if (!ONNX_RUNTIME_CLASSES.contains(internalName)) {
      throw new IllegalArgumentException(internalName + " is not an ONNX Runtime class the agent instruments (" + ONNX_RUNTIME_CLASSES + ")");
    }
    Weaver weaver =
        new Weaver(true, List.of(), (key, message) -> {
          throw new IllegalStateException(internalName + ": " + message);
        });
    byte[] woven = weaver.transform(null, resolver, internalName, null, null, original);
    if (woven == null) {
      throw new IllegalStateException(internalName + " was left unchanged");
    }
    return woven;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
    String name = className.replace('/', '.');
    ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, bytes), loader == null ? ClassFileLocator.ForClassLoader.ofBootLoader() : ClassFileLocator.ForClassLoader.of(loader));
    TypePool pool = TypePool.Default.WithLazyResolution.of(locator);
    TypeDescription type = pool.describe(name).resolve();
    DynamicType.Builder<?> builder = byteBuddy.decorate(type, locator);
    if (onnxRuntime && name.equals(ORT_SESSION)) {
      builder = onnxRuntime(builder, type);
    }
    for (MethodTarget target : byClass.getOrDefault(name, List.of())) {
      builder = method(builder, type, target, methodAdvice.get(target.id()));
    }
    return builder.make(pool).getBytes();
  }

  private DynamicType.Builder<?> onnxRuntime(DynamicType.Builder<?> builder, TypeDescription type) {
    ElementMatcher.Junction<MethodDescription> runMethod = innermostRun(type);
    ElementMatcher.Junction<MethodDescription> constructor =
        isConstructor().and(takesArguments(4)).and(takesArgument(1, String.class).or(takesArgument(1, byte[].class)).or(takesArgument(1, ByteBuffer.class)));
    if (type.getDeclaredMethods().filter(runMethod).isEmpty()) {
      problems.report("run", "this ONNX Runtime has no OrtSession.run(Map, ...) to instrument; its inference calls are not monitored");
    } else {
      builder = builder.visit(run.on(runMethod));
    }
    if (type.getDeclaredMethods().filter(constructor).isEmpty()) {
      problems.report("create", "this ONNX Runtime has no OrtSession constructor from a path, bytes or buffer to instrument; sessions are named after their graph");
    } else {
      builder = builder.visit(create.on(constructor));
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
      problems.report("method:" + target.id(), target.className() + " has no method " + target.methodName() + " with a body; it is not monitored");
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
}
