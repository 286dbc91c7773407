package dev.fathom.examples.demo;

import dev.fathom.examples.data.DataValidator;
import dev.fathom.examples.data.TransactionCsv;
import dev.fathom.examples.data.TransactionGenerator;
import dev.fathom.examples.train.TrainingResult;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The whole model lifecycle in one run, on embedded defaults and without network:
 *
 * <ol>
 *   <li>generate card transactions with a fraud label, write them as CSV and validate them;
 *   <li>train a model with Tribuo, evaluate it on a hold-out set, refuse to publish below the AUC
 *       threshold;
 *   <li>publish version 1 with {@code fathom publish}: lineage (data sha256, code commit,
 *       hyperparameters, metrics) and a reference profile of the training data;
 *   <li>start the scoring service with the agent attached, send normal traffic, then holiday
 *       traffic whose amounts and merchant mix drift, then retrain on recent data and publish
 *       version 2 while traffic runs; delayed outcomes arrive throughout;
 *   <li>show a live view of requests, latency, drift per feature, the version serving and accuracy.
 * </ol>
 *
 * Ends by itself after about two minutes and says what it showed. Metrics are served at {@code
 * http://127.0.0.1:9464/metrics} while it runs.
 */
public final class Demo {
  /** Settings a run can change ({@code --quick} shortens the phases for tests). */
  record Settings(Path workDir, int servicePort, int metricsPort, Duration phase, int requestsPerSecond, double minimumAuc) {
    static Settings defaults() {
      return new Settings(Path.of("demo-work"), 8080, 9464, Duration.ofSeconds(30), 300, 0.85);
    }
  }

  private final Settings settings;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();

  Demo(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    Settings s = Settings.defaults();
    boolean portsChosen = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick":
          s = new Settings(s.workDir(), s.servicePort(), s.metricsPort(), Duration.ofSeconds(12), s.requestsPerSecond(), s.minimumAuc());
          break;
        case "--port":
          portsChosen = true;
          s = new Settings(s.workDir(), Integer.parseInt(args[++i]), s.metricsPort(), s.phase(), s.requestsPerSecond(), s.minimumAuc());
          break;
        case "--metrics-port":
          portsChosen = true;
          s = new Settings(s.workDir(), s.servicePort(), Integer.parseInt(args[++i]), s.phase(), s.requestsPerSecond(), s.minimumAuc());
          break;
        case "--work-dir":
          s = new Settings(Path.of(args[++i]), s.servicePort(), s.metricsPort(), s.phase(), s.requestsPerSecond(), s.minimumAuc());
          break;
        default:
          System.err.println("usage: demo [--quick] [--port N] [--metrics-port N] [--work-dir DIR]");
          System.exit(2);
      }
    }
    s = withFreePorts(s, portsChosen);
    if (s == null) {
      System.exit(2);
    }
    try {
      System.exit(new Demo(s, System.out).run() ? 0 : 1);
    } catch (IllegalStateException e) {
      System.err.println("demo failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * The settings with ports that can be bound: a busy default port is swapped for a free one (the
   * demo should run on any machine); a busy port the user asked for is an error. Null after
   * printing why.
   */
  static Settings withFreePorts(Settings s, boolean chosen) throws java.io.IOException {
    int service = usablePort(s.servicePort(), chosen, "--port");
    int metrics = usablePort(s.metricsPort(), chosen, "--metrics-port");
    if (service < 0 || metrics < 0) {
      return null;
    }
    return new Settings(s.workDir(), service, metrics, s.phase(), s.requestsPerSecond(), s.minimumAuc());
  }

  /** {@code wanted} if it is free, else a free port (or -1 when the user chose {@code wanted}). */
  private static int usablePort(int wanted, boolean chosen, String option) throws java.io.IOException {
    if (canBind(wanted)) {
      return wanted;
    }
    if (chosen) {
      System.err.println("demo: port " + wanted + " is in use; choose others with --port N --metrics-port N");
      return -1;
    }
    int free = freePort();
    System.out.println("port " + wanted + " is in use: using " + free + " instead (choose with " + option + " N)");
    return free;
  }

  private static boolean canBind(int port) {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  boolean run() throws Exception {
    Workspace ws = Workspace.prepare(settings.workDir());
    ModelLifecycle lifecycle = new ModelLifecycle(ws, out);
    step("1/5 data", "generating 20,000 card transactions (3% fraud) into " + ws.root().relativize(ws.file("train.csv")));
    Path trainCsv = ws.file("train.csv");
    TransactionCsv.write(trainCsv, ModelLifecycle.generate(1, 20_000, TransactionGenerator.Shift.NONE));
    DataValidator.Report report = DataValidator.validate(trainCsv);
    detail("validated: " + report);
    if (!report.ok()) {
      return false;
    }

    step("2/5 train", "logistic regression (Tribuo SGD), 75% train / 25% hold-out");
    TrainingResult v1 = lifecycle.train(trainCsv, "model-v1.onnx", settings.minimumAuc());
    if (v1 == null) {
      return false;
    }

    step("3/5 publish", "fathom publish fraud (lineage, reference profile, alias production)");
    lifecycle.publish(v1, trainCsv, "schema-v1.json");

    step("4/5 serve", "scoring service on :" + settings.servicePort() + " with -javaagent (metrics on :" + settings.metricsPort() + ")");
    String agentOptions =
        "registry=" + ws.registry() + ",models=fraud,prometheus.port=" + settings.metricsPort() + ",sampling.rate=0.25,drift.window.samples=400,drift.window.time=10s";
    Process service = Processes.scoringService(ws, agentOptions, settings.servicePort(), ws.file("service.log"));
    URI base = URI.create("http://127.0.0.1:" + settings.servicePort());
    URI metrics = URI.create("http://127.0.0.1:" + settings.metricsPort() + "/metrics");
    DemoResult result;
    try {
      awaitHealthy(base, service, ws);
      detail("serving fraud@1, agent attached; log in " + ws.root().relativize(ws.file("service.log")));
      result = traffic(ws, lifecycle, base, metrics);
    } finally {
      Processes.stop(service);
    }
    step("5/5 summary", "");
    result.print(out);
    return result.ok();
  }

  private DemoResult traffic(Workspace ws, ModelLifecycle lifecycle, URI base, URI metrics) throws Exception {
    ConsoleView view = new ConsoleView(out);
    DemoResult result = new DemoResult();
    try (TrafficDriver driver = new TrafficDriver(new URI[] {base}, 4, settings.requestsPerSecond(), Duration.ofSeconds(3), 42)) {
      driver.start();
      watch(view, driver, metrics, DemoResult.Phase.NORMAL, settings.phase(), result);
      driver.shift(TransactionGenerator.Shift.HOLIDAY);
      detail("traffic shifts: holiday season (amounts +50%, more online shopping, fewer cards present)");
      watch(view, driver, metrics, DemoResult.Phase.HOLIDAY, settings.phase(), result);

      detail("retraining on recent (holiday) transactions and publishing version 2 while traffic runs");
      Path recentCsv = ws.file("recent.csv");
      TransactionCsv.write(recentCsv, ModelLifecycle.generate(2, 20_000, TransactionGenerator.Shift.HOLIDAY));
      TrainingResult v2 = lifecycle.train(recentCsv, "model-v2.onnx", settings.minimumAuc());
      if (v2 != null) {
        lifecycle.publish(v2, recentCsv, "schema-v2.json");
        result.publishedV2 = true;
      }
      watch(view, driver, metrics, DemoResult.Phase.RETRAINED, settings.phase(), result);
      result.sent = driver.sent();
      result.clientFailures = driver.failed();
      result.outcomesSent = driver.outcomesSent();
      result.finalVersion = driver.lastVersion();
    }
    result.last = MetricsSnapshot.scrape(metrics, "fraud", result.finalVersion);
    return result;
  }

  private void watch(ConsoleView view, TrafficDriver driver, URI metrics, DemoResult.Phase phase, Duration length, DemoResult result) throws InterruptedException {
    long end = System.nanoTime() + length.toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(Math.min(5_000, Math.max(100, (end - System.nanoTime()) / 1_000_000)));
      try {
        long version = driver.lastVersion();
        MetricsSnapshot m = MetricsSnapshot.scrape(metrics, "fraud", version);
        view.render(elapsed(), phase.title(), version, m, driver.failed());
        result.observe(phase, m, version);
      } catch (Exception e) {
        out.println("       (metrics not available yet: " + e.getMessage() + ")");
      }
    }
  }

  private void awaitHealthy(URI base, Process service, Workspace ws) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!service.isAlive()) {
        throw new IllegalStateException("the scoring service exited; see " + ws.file("service.log"));
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the scoring service did not start within 60 s; see " + ws.file("service.log"));
  }

  private long elapsed() {
    return (System.nanoTime() - startNanos) / 1_000_000_000L;
  }

  private void step(String name, String what) {
    out.printf(Locale.ROOT, "%n[%3ds] == %s: %s%n", elapsed(), name, what);
  }

  private void detail(String text) {
    out.println("       " + text);
  }
}
