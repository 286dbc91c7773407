package dev.fathom.agent.it.apps;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.nio.file.Path;
import java.util.Map;
import net.bytebuddy.ByteBuddy;

/**
 * A service with its own (older) versions of what the agent bundles: Jackson, Caffeine, the
 * OpenTelemetry API and Byte Buddy. Uses each, prints which jar each came from, then runs {@link
 * OrtLoopApp} with the same arguments.
 */
public final class ConflictApp {
  private ConflictApp() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    String json = mapper.writeValueAsString(Map.of("k", 1));
    Cache<String, String> cache = Caffeine.newBuilder().maximumSize(10).build();
    cache.put("a", "b");
    GlobalOpenTelemetry.get().getMeter("conflict-app").counterBuilder("app.calls").build().add(1);
    Class<?> generated = new ByteBuddy().subclass(Object.class).name("conflict.Generated").make().load(ConflictApp.class.getClassLoader()).getLoaded();
    System.out.println("jackson " + jar(ObjectMapper.class) + " " + json);
    System.out.println("caffeine " + jar(Caffeine.class) + " " + cache.getIfPresent("a"));
    System.out.println("opentelemetry " + jar(GlobalOpenTelemetry.class));
    System.out.println("bytebuddy " + jar(ByteBuddy.class) + " " + generated.getName());
    OrtLoopApp.main(args);
  }

  private static String jar(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
  }
}
