package dev.fathom.agent.instrument;

import dev.fathom.agent.bootstrap.AgentLog;
import dev.fathom.agent.monitor.MethodTarget;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.jar.JarFile;

/**
 * Installs the agent's instrumentation so that premain stays fast, no class is missed, and an
 * application that loads a model right away never waits for Byte Buddy:
 *
 * <ol>
 *   <li>{@link #installGate()} (premain): a plain {@link ClassFileTransformer} that looks at class
 *       names only; every class but the few the agent instruments passes at the cost of a set
 *       lookup.
 *   <li>ONNX Runtime's {@code OrtSession}: the gate recognizes the class bytes (equal to the
 *       original the build wove, else by their sha256) and hands out woven bytes from {@link
 *       WovenClasses} (woven by the build for the bundled ONNX Runtime version, by an earlier start,
 *       or ahead of time in this one) without Byte Buddy. Only a version seen for the first time is
 *       woven by the {@link Weaver} then and there (and cached).
 *   <li>{@link #activate} (the agent's start-up thread): builds the {@link Weaver} when something
 *       needs it (the classes of {@code instrument.methods}, which wait for it at most {@link
 *       #GATE_TIMEOUT_SECONDS}; an application ONNX Runtime version the cache does not know, woven
 *       ahead from its jar), and retransforms the classes already loaded (after a dynamic attach).
 * </ol>
 *
 * Classes of the agent's own class loader (its ONNX Runtime) are never touched. A method the
 * application's library version does not have is skipped with one log line. Thread-safe.
 */
public final class Instrumenter {
  static final long GATE_TIMEOUT_SECONDS = 10;
  /**
   * The ONNX Runtime classes the agent instruments (internal names); declared here, not in {@link
   * Weaver}, so premain does not load Byte Buddy's types.
   */
  static final Set<String> ONNX_RUNTIME_CLASSES = Set.of("ai/onnxruntime/OrtSession");

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
  private final WovenClasses woven;
  private final Object weaverLock = new Object();
  private final Object weaveLock = new Object();
  /** Built on first need; {@link #weaverReady} opens once it is built (or failed to build). */
  private volatile Weaver weaver;
  private volatile boolean weaverFailed;
  private final CountDownLatch weaverReady = new CountDownLatch(1);

  /**
   * @param applicationOrtJar the application's ONNX Runtime jar, or null when it has none on its
   *     class path; its {@code OrtSession} is woven ahead, off the application's threads, when no
   *     woven copy is known
   * @param cacheDir the per-user cache of woven classes, or null for none
   * @param buildId the agent build's id, part of every cache key; null disables the cache
   */
  public Instrumenter(Instrumentation instrumentation, ClassLoader agentLoader, boolean onnxRuntime, List<MethodTarget> methods, Supplier<JarFile> applicationOrtJar, Path cacheDir, String buildId) {
    this.instrumentation = instrumentation;
    this.applicationOrtJar = applicationOrtJar;
    this.agentLoader = agentLoader;
    this.onnxRuntime = onnxRuntime;
    this.methods = List.copyOf(methods);
    this.woven = new WovenClasses(agentLoader, cacheDir, buildId);
    if (onnxRuntime) {
      internalNames.addAll(ONNX_RUNTIME_CLASSES);
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
   * Step 3, on the agent's start-up thread: builds the weaver if the configured methods need it,
   * weaves the application's ONNX Runtime ahead if no woven copy is known, and retransforms what is
   * already loaded.
   *
   * @param retransformLoaded whether to look for already-loaded classes (after an attach)
   */
  public void activate(boolean retransformLoaded) {
    boolean wovenAhead = onnxRuntime && weaveAhead();
    if (!methods.isEmpty()) {
      Weaver w = weaver();
      if (w != null && !wovenAhead) {
        warmUp(w);
      }
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
    if (gate.missed() && weaver != null) {
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
   * The Byte Buddy weaver, built now by the calling thread if no other thread built it yet; null if
   * it cannot be built (logged once).
   */
  private Weaver weaver() {
    Weaver w = weaver;
    if (w != null || weaverFailed) {
      return w;
    }
    synchronized (weaverLock) {
      if (weaver == null && !weaverFailed) {
        try {
          long t0 = System.nanoTime();
          // Byte Buddy's own copy (relocated) without sun.misc.Unsafe: no deprecation warnings on new JDKs
          System.setProperty("dev.fathom.shaded.net.bytebuddy.safe", "true");
          weaver = new Weaver(onnxRuntime, methods, this::once);
          AgentLog.debug("Byte Buddy weaver built in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (RuntimeException | LinkageError e) {
          weaverFailed = true;
          AgentLog.warn("instrumentation disabled: " + AgentLog.reason(e));
        } finally {
          weaverReady.countDown();
        }
      }
      return weaver;
    }
  }

  /**
   * Weaves the application's {@code OrtSession} from its jar now, when neither the build nor the
   * cache has it woven, so the class loads without waiting for Byte Buddy when the application gets
   * to it. Returns whether it wove.
   */
  private boolean weaveAhead() {
    try {
      JarFile jar = applicationOrtJar.get();
      if (jar == null) {
        return false;
      }
      boolean wove = false;
      for (String internalName : ONNX_RUNTIME_CLASSES) {
        java.util.zip.ZipEntry entry = jar.getEntry(internalName + ".class");
        if (entry == null || methodClasses.contains(internalName)) {
          continue;
        }
        byte[] original;
        try (java.io.InputStream in = jar.getInputStream(entry)) {
          original = in.readAllBytes();
        }
        String sha256 = woven.key(internalName, original);
        if (woven.find(internalName, sha256) != null) {
          continue;
        }
        // resolves the types the class refers to from its own jar and the JDK
        try (java.net.URLClassLoader jarLoader = new java.net.URLClassLoader(new java.net.URL[] {new java.io.File(jar.getName()).toURI().toURL()}, null)) {
          wove |= weave(null, jarLoader, internalName, null, null, original, sha256) != null;
        }
      }
      return wove;
    } catch (IOException | IllegalClassFormatException | RuntimeException | LinkageError e) {
      AgentLog.debug("cannot weave ONNX Runtime ahead: " + AgentLog.reason(e));
      return false;
    }
  }

  /**
   * Weaves an ONNX Runtime class with Byte Buddy and keeps the result, once per class version: a
   * thread that finds another weaving the same bytes waits for its result. Null if Byte Buddy is
   * unavailable.
   */
  private WovenClasses.Found weave(Module module, ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes, String sha256)
      throws IllegalClassFormatException {
    synchronized (weaveLock) {
      WovenClasses.Found done = woven.inMemory(className, sha256);
      if (done != null) {
        return done;
      }
      Weaver w = weaver();
      if (w == null) {
        return null;
      }
      byte[] transformed = w.transform(module, loader, className, redefined, domain, bytes);
      woven.store(className, sha256, transformed);
      return new WovenClasses.Found(transformed, "with Byte Buddy");
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

  private void once(String key, String message) {
    if (reported.add(key)) {
      AgentLog.warn(message);
    }
  }

  /**
   * The premain transformer: names only; hands out known woven ONNX Runtime classes at once; the
   * configured methods' classes wait for Byte Buddy and their observers.
   */
  private final class Gate implements ClassFileTransformer {
    private volatile boolean missed;

    boolean missed() {
      return missed;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
      if (className == null || !internalNames.contains(className) || (loader != null && loader == agentLoader)) {
        return null;
      }
      try {
        if (!methodClasses.contains(className)) {
          return onnxRuntime(module, loader, className, redefined, domain, bytes);
        }
        return method(module, loader, className, redefined, domain, bytes);
      } catch (Throwable t) {
        once("transform:" + className, "cannot instrument " + className.replace('/', '.') + ": " + AgentLog.reason(t));
        return null;
      }
    }

    /** An ONNX Runtime class: woven bytes known by its hash, else woven now by Byte Buddy (and kept). */
    private byte[] onnxRuntime(Module module, ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes) throws IllegalClassFormatException {
      long start = System.nanoTime();
      String sha256 = woven.key(className, bytes);
      WovenClasses.Found found = woven.find(className, sha256);
      if (found == null) {
        found = weave(module, loader, className, redefined, domain, bytes, sha256);
      }
      if (found == null) {
        return null;
      }
      if (AgentLog.debugEnabled()) {
        AgentLog.debug("instrumented " + className.replace('/', '.') + " woven " + found.source() + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
      }
      return found.bytes();
    }

    /** A class of {@code instrument.methods}: waits for the weaver and the methods' observers. */
    private byte[] method(Module module, ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes) throws IllegalClassFormatException {
      try {
        long waitStart = System.nanoTime();
        boolean open = weaverReady.await(GATE_TIMEOUT_SECONDS, TimeUnit.SECONDS) && methodsRecording.await(GATE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
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
      Weaver w = weaver;
      if (w == null) {
        return null;
      }
      long transformStart = System.nanoTime();
      byte[] transformed = w.transform(module, loader, className, redefined, domain, bytes);
      if (AgentLog.debugEnabled()) {
        AgentLog.debug("instrumented " + className.replace('/', '.') + " in " + (System.nanoTime() - transformStart) / 1_000_000 + " ms");
      }
      return transformed;
    }
  }
}
