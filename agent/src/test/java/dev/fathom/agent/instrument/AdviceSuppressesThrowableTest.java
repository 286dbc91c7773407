package dev.fathom.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.bytebuddy.asm.Advice;
import org.junit.jupiter.api.Test;

/**
 * Advice is inlined into the application's code, so an exception escaping it would break the
 * application: every advice method of every advice class (found by scanning the compiled package,
 * so a new one cannot slip past) must declare {@code suppress = Throwable.class}.
 */
class AdviceSuppressesThrowableTest {
  @Test
  void everyAdviceMethodSuppressesThrowable() throws Exception {
    List<String> adviceMethods = new ArrayList<>();
    for (Class<?> type : classesOfThisPackage()) {
      for (Method m : type.getDeclaredMethods()) {
        Advice.OnMethodEnter enter = m.getAnnotation(Advice.OnMethodEnter.class);
        Advice.OnMethodExit exit = m.getAnnotation(Advice.OnMethodExit.class);
        if (enter != null) {
          assertThat(enter.suppress()).as("%s.%s", type.getSimpleName(), m.getName()).isEqualTo(Throwable.class);
          adviceMethods.add(type.getSimpleName() + "." + m.getName());
        }
        if (exit != null) {
          assertThat(exit.suppress()).as("%s.%s", type.getSimpleName(), m.getName()).isEqualTo(Throwable.class);
          adviceMethods.add(type.getSimpleName() + "." + m.getName());
        }
      }
    }
    assertThat(adviceMethods)
        .as("the scan found the advice classes")
        .contains("OrtRunAdvice.enter", "OrtRunAdvice.exit", "OrtSessionAdvice.enter", "OrtSessionAdvice.exit", "MethodAdvice.enter", "MethodAdvice.exit");
  }

  private static List<Class<?>> classesOfThisPackage() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(OrtRunAdvice.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dir = root.resolve(OrtRunAdvice.class.getPackageName().replace('.', '/'));
    List<Class<?>> classes = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".class")) {
          classes.add(Class.forName(OrtRunAdvice.class.getPackageName() + "." + name.substring(0, name.length() - ".class".length())));
        }
      }
    }
    return classes;
  }
}
