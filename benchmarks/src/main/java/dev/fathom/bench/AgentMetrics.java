package dev.fathom.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Fathom agent in this JVM recorded, read the way an operator reads it: from its Prometheus
 * endpoint. The port comes from the agent's settings ({@code prometheus.port} in the {@code
 * -javaagent} arguments or {@code -Dfathom.prometheus.port}); with port 0 (an ephemeral port, what
 * the benchmarks use so that no fixed port is bound) it is found among this process's listening
 * sockets in {@code /proc/self} (Linux). Used at set-up and tear-down only, never while measuring.
 * Not thread-safe.
 */
final class AgentMetrics {
  private static final String BRIDGE = "dev.fathom.agent.bootstrap.FathomBridge";
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final String[] SEVERITIES = {"none", "warn", "alert"};

  private final String host;
  private final int configuredPort;
  private String endpoint;

  AgentMetrics() {
    Map<String, String> settings = agentSettings();
    this.host = settings.getOrDefault("prometheus.host", "127.0.0.1");
    this.configuredPort = Integer.parseInt(settings.getOrDefault("prometheus.port", "9464").trim());
  }

  /** Fails, naming what is missing, when this JVM runs without the Fathom agent. */
  static void requireAgent() {
    try {
      Class.forName(BRIDGE, false, null);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("AgentOrtBenchmark needs the Fathom agent in the benchmark JVM: run it through benchmarks/run.sh, or give JMH "
          + "-jvmArgsPrepend '-javaagent:agent/target/fathom-agent.jar=registry=DIR/registry,prometheus.port=0' after "
          + "java -cp benchmarks.jar dev.fathom.bench.BenchRegistry agent-registry DIR");
    }
  }

  /** The agent's settings from the {@code -javaagent} arguments, then {@code -Dfathom.*} properties. */
  static Map<String, String> agentSettings() {
    Map<String, String> settings = new HashMap<>();
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("fathom.")) {
        settings.put(name.substring("fathom.".length()), System.getProperty(name));
      }
    }
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      int eq = arg.indexOf('=');
      if (arg.startsWith("-javaagent:") && arg.contains("fathom-agent") && eq > 0) {
        for (String kv : arg.substring(eq + 1).split(",")) {
          int i = kv.indexOf('=');
          if (i > 0) {
            settings.put(kv.substring(0, i).trim(), kv.substring(i + 1));
          }
        }
      }
    }
    return settings;
  }

  /** The scrape URL once known, else null. */
  String endpoint() {
    return endpoint;
  }

  /** What the agent recorded for {@code model} so far, or null when its endpoint does not answer (yet). */
  Snapshot scrape(String model) {
    String text = fetch();
    return text == null ? null : Snapshot.parse(text, model);
  }

  /** The {@code fathom-bench:} line for the report: what the agent did for {@code model} in this trial. */
  String summary(String model) {
    Snapshot s = scrape(model);
    if (s == null) {
      return "fathom-bench: mode agent: the agent's metrics could not be read (" + (endpoint == null ? "no endpoint found" : endpoint) + ")";
    }
    String drift = s.driftColumns() == 0 ? "no drift window closed"
        : String.format(Locale.ROOT, "last drift window: %d columns tested, severity %s", s.driftColumns(),
            s.maxSeverity() >= 0 && s.maxSeverity() < SEVERITIES.length ? SEVERITIES[s.maxSeverity()] : Integer.toString(s.maxSeverity()));
    long analyzerNanos = FathomModes.Instance.analyzerCpuNanos();
    String analyzer = analyzerNanos < 0 || s.sampled() == 0 ? "" : String.format(Locale.ROOT, "; analyzer thread CPU %.1f ms, %.2f µs per sampled row",
        analyzerNanos / 1e6, analyzerNanos / 1e3 / s.sampled());
    return String.format(Locale.ROOT, "fathom-bench: mode agent: %d calls timed, %d rows sampled, dropped %d over the cap and %d with the hand-off full; "
        + "reference: registry %s@%s, identified by the model file's sha256; %s%s", s.calls(), s.sampled(), s.rateLimited(), s.queueFull(), model,
        s.version(), drift, analyzer);
  }

  private String fetch() {
    if (endpoint == null) {
      int port = configuredPort != 0 ? configuredPort : listeningPort();
      if (port <= 0) {
        return null;
      }
      endpoint = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/metrics";
    }
    try {
      HttpURLConnection c = (HttpURLConnection) new URL(endpoint).openConnection();
      c.setConnectTimeout(2000);
      c.setReadTimeout(5000);
      try (InputStream in = c.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return null; // not serving yet
    }
  }

  /**
   * The port of this process's one listening TCP socket (the agent's Prometheus endpoint: JMH's
   * fork only connects out), from the socket inodes of {@code /proc/self/fd} and the listening
   * entries (state 0A) of {@code /proc/self/net/tcp} and {@code tcp6}; -1 when there is none.
   */
  static int listeningPort() {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      return -1;
    }
    for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
          if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
            return Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
          }
        }
      } catch (IOException | RuntimeException e) {
        // no such table
      }
    }
    return -1;
  }

  /** The agent's figures for one model: calls timed, sampling, drift; summed over its series. */
  record Snapshot(long calls, long sampled, long rateLimited, long queueFull, String version, int driftColumns, int maxSeverity) {
    static Snapshot parse(String text, String model) {
      long calls = 0;
      long sampled = 0;
      long rateLimited = 0;
      long queueFull = 0;
      String version = "?";
      int columns = 0;
      int severity = -1;
      for (String line : text.split("\n")) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        int brace = line.indexOf('{');
        int close = line.lastIndexOf('}');
        if (brace < 0 || close < brace) {
          continue;
        }
        String name = line.substring(0, brace);
        Map<String, String> labels = new HashMap<>();
        Matcher m = LABEL.matcher(line.substring(brace + 1, close));
        while (m.find()) {
          labels.put(m.group(1), m.group(2));
        }
        if (!model.equals(labels.get("model_name"))) {
          continue;
        }
        double value = Double.parseDouble(line.substring(close + 1).trim().split("\\s+")[0]);
        switch (name) {
          case "fathom_inference_duration_seconds_count":
            calls += (long) value;
            version = labels.getOrDefault("model_version", version);
            break;
          case "fathom_sampling_samples_total":
            sampled += (long) value;
            break;
          case "fathom_sampling_dropped_total":
            if ("rate_limit".equals(labels.get("reason"))) {
              rateLimited += (long) value;
            } else {
              queueFull += (long) value;
            }
            break;
          case "fathom_drift_severity":
            columns++;
            severity = Math.max(severity, (int) value);
            break;
          default:
            break;
        }
      }
      return new Snapshot(calls, sampled, rateLimited, queueFull, version, columns, severity);
    }
  }
}
