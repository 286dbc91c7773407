package dev.fathom.agent.bootstrap;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The class loader of everything the agent bundles: Fathom's runtime and agent, the command line,
 * and their relocated libraries, all stored in the agent jar under {@code inst/} as {@code
 * .classdata} so that no application class loader can see them. Its parent is the platform class
 * loader, so only the JDK is shared with the application; this package ({@code
 * dev.fathom.agent.bootstrap}) comes from the loader that loaded this class (the bootstrap loader
 * when running as an agent) and {@code com.sun.tools.attach} from the system loader (module
 * jdk.attach lives there).
 *
 * <p>ONNX Runtime ({@code ai.onnxruntime}, classes and native libraries) comes from the {@link
 * OrtLocator application's own ONNX Runtime jar} when it has one, since a JVM can hold only one
 * ONNX Runtime version; otherwise from the bundled copy. The choice is made on first use.
 *
 * <p>Multi-release entries ({@code inst/META-INF/versions/N/}) are honoured for the running Java
 * version. Thread-safe (parallel capable).
 */
public final class AgentClassLoader extends ClassLoader implements java.io.Closeable {
  static {
    registerAsParallelCapable();
  }

  private static final String INST = "inst/";
  private static final String VERSIONS = INST + "META-INF/versions/";
  private static final String ORT_PREFIX = "ai/onnxruntime/";
  private static final String BOOTSTRAP_PACKAGE = "dev.fathom.agent.bootstrap.";

  private final File file;
  private final JarFile jar;
  private final URL jarUrl;
  private final ProtectionDomain domain;
  /** Multi-release versions in the jar that apply here, newest first. */
  private final int[] versions;
  private final String title;
  private final String version;
  private final String buildId;
  private final Object ortLock = new Object();
  private volatile OrtLocator.Location ort;
  private ProtectionDomain ortDomain;

  /**
   * @param agentJar the agent jar
   * @param parent the platform class loader, normally
   */
  public AgentClassLoader(File agentJar, ClassLoader parent) throws IOException {
    super("fathom-agent", parent);
    this.file = agentJar;
    this.jar = new JarFile(agentJar, false);
    this.jarUrl = agentJar.toURI().toURL();
    this.domain = new ProtectionDomain(new CodeSource(jarUrl, (Certificate[]) null), null, this, null);
    this.versions = versions(jar);
    java.util.jar.Manifest manifest = jar.getManifest();
    this.title = manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Title");
    this.version = manifest == null ? null : manifest.getMainAttributes().getValue("Implementation-Version");
    this.buildId = manifest == null ? null : manifest.getMainAttributes().getValue(BUILD_ID);
  }

  /** Manifest attribute: a digest of the jar's contents, written by the packaging. */
  public static final String BUILD_ID = "Fathom-Build-Id";

  /** The agent build's id ({@value #BUILD_ID}: the same for the same jar contents), or null if the jar has none. */
  public String buildId() {
    return buildId;
  }

  /** The agent jar this loader reads. */
  public File agentJar() {
    return file;
  }

  /**
   * Where this loader's ONNX Runtime comes from, locating it now if no ONNX Runtime class was
   * loaded yet.
   */
  public OrtLocator.Location onnxRuntime() {
    OrtLocator.Location location = ort;
    if (location == null) {
      synchronized (ortLock) {
        location = ort;
        if (location == null) {
          location = OrtLocator.locate();
          if (location.jar() != null) {
            ortDomain = new ProtectionDomain(new CodeSource(location.url(), (Certificate[]) null), null, this, null);
          }
          ort = location;
        }
      }
    }
    return location;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        if (name.startsWith(BOOTSTRAP_PACKAGE)) {
          c = Class.forName(name, false, AgentClassLoader.class.getClassLoader());
        } else if (name.startsWith("com.sun.tools.attach.")) {
          c = Class.forName(name, false, ClassLoader.getSystemClassLoader());
        } else {
          try {
            c = getParent().loadClass(name);
          } catch (ClassNotFoundException e) {
            c = findClass(name);
          }
        }
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    String path = name.replace('.', '/');
    byte[] bytes;
    ProtectionDomain pd = domain;
    try {
      if (path.startsWith(ORT_PREFIX) && onnxRuntime().jar() != null) {
        bytes = read(onnxRuntime().jar(), path + ".class");
        pd = ortDomain;
      } else {
        bytes = read(jar, instEntry(path + ".classdata"));
      }
    } catch (IOException e) {
      throw new ClassNotFoundException(name + ": " + e.getMessage(), e);
    }
    if (bytes == null) {
      throw new ClassNotFoundException(name);
    }
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      String pkg = name.substring(0, dot);
      if (getDefinedPackage(pkg) == null) {
        try {
          boolean own = pkg.startsWith("dev.fathom.") && !pkg.startsWith("dev.fathom.shaded.");
          definePackage(pkg, null, null, null, own ? title : null, own ? version : null, null, null);
        } catch (IllegalArgumentException raced) {
          // defined meanwhile by another thread
        }
      }
    }
    return defineClass(name, bytes, 0, bytes.length, pd);
  }

  @Override
  public URL getResource(String name) {
    URL url = getParent().getResource(name);
    return url != null ? url : findResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    List<URL> all = new ArrayList<>(Collections.list(getParent().getResources(name)));
    URL own = findResource(name);
    if (own != null) {
      all.add(own);
    }
    return Collections.enumeration(all);
  }

  @Override
  protected URL findResource(String name) {
    String path = name.startsWith("/") ? name.substring(1) : name;
    try {
      if (path.startsWith(ORT_PREFIX) && onnxRuntime().jar() != null) {
        JarFile ortJar = onnxRuntime().jar();
        return ortJar.getEntry(path) == null ? null : entryUrl(onnxRuntime().url(), path);
      }
      String entry = instEntry(classData(path));
      return jar.getEntry(entry) == null ? null : entryUrl(jarUrl, entry);
    } catch (MalformedURLException e) {
      return null;
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(url));
  }

  /** Reads straight from the open jar instead of going through a {@code jar:} URL connection. */
  @Override
  public InputStream getResourceAsStream(String name) {
    InputStream parent = getParent().getResourceAsStream(name);
    if (parent != null) {
      return parent;
    }
    String path = name.startsWith("/") ? name.substring(1) : name;
    try {
      JarFile source = jar;
      String entryName = instEntry(classData(path));
      if (path.startsWith(ORT_PREFIX) && onnxRuntime().jar() != null) {
        source = onnxRuntime().jar();
        entryName = path;
      }
      ZipEntry entry = source.getEntry(entryName);
      return entry == null ? null : source.getInputStream(entry);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A class file read as a resource (Byte Buddy locates class files this way) is stored as {@code
   * .classdata}.
   */
  private static String classData(String path) {
    return path.endsWith(".class") ? path.substring(0, path.length() - ".class".length()) + ".classdata" : path;
  }

  /** The entry under {@code inst/} for a path, preferring this Java version's multi-release copy. */
  private String instEntry(String path) {
    for (int v : versions) {
      String candidate = VERSIONS + v + "/" + path;
      if (jar.getEntry(candidate) != null) {
        return candidate;
      }
    }
    return INST + path;
  }

  private static URL entryUrl(URL jar, String entry) throws MalformedURLException {
    return new URL("jar:" + jar + "!/" + entry);
  }

  private static byte[] read(JarFile source, String entry) throws IOException {
    ZipEntry e = source.getEntry(entry);
    if (e == null) {
      return null;
    }
    try (InputStream in = source.getInputStream(e)) {
      return in.readAllBytes();
    }
  }

  /**
   * The multi-release versions present, newest first, that apply to this Java version: found by
   * probing the version directories (the repackaging writes directory entries) rather than by
   * scanning every entry, which would cost premain milliseconds.
   */
  private static int[] versions(JarFile jar) {
    int feature = Runtime.version().feature();
    int[] found = new int[Math.max(0, feature - 8)];
    int n = 0;
    for (int v = feature; v >= 9; v--) {
      if (jar.getEntry(VERSIONS + v + "/") != null) {
        found[n++] = v;
      }
    }
    return java.util.Arrays.copyOf(found, n);
  }

  /** Closes the jar files; classes already defined keep working, new ones cannot be loaded. */
  @Override
  public void close() throws IOException {
    jar.close();
    OrtLocator.Location location = ort;
    if (location != null && location.jar() != null) {
      location.jar().close();
    }
  }

  @Override
  public String toString() {
    return "AgentClassLoader[" + file + "]";
  }
}
