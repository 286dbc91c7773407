package dev.fathom.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fathom.examples.data.Transaction;
import dev.fathom.examples.data.TransactionGenerator;
import dev.fathom.examples.service.TransactionJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends generated transactions to scoring services at a steady rate from a few client threads,
 * switches the traffic's distribution on request, and reports each transaction's true label to
 * the service after a delay, as a bank learns of fraud days later. Thread-safe.
 */
public final class TrafficDriver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI[] services;
  private final int requestsPerSecond;
  private final Duration outcomeDelay;
  private final AtomicReference<TransactionGenerator.Shift> shift = new AtomicReference<>(TransactionGenerator.Shift.NONE);
  private final ConcurrentLinkedQueue<PendingOutcome> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong outcomesSent = new AtomicLong();
  private final AtomicLong lastVersion = new AtomicLong();
  private volatile boolean running = true;
  private final Thread[] clients;
  private final Thread outcomeFeeder;

  private record PendingOutcome(URI service, long predictionId, boolean fraud, long dueNanos) {}

  /**
   * @param services base URLs of the scoring services; clients spread over them
   * @param clientThreads concurrent clients
   */
  public TrafficDriver(URI[] services, int clientThreads, int requestsPerSecond, Duration outcomeDelay, long seed) {
    this.services = services.clone();
    this.requestsPerSecond = requestsPerSecond;
    this.outcomeDelay = outcomeDelay;
    this.clients = new Thread[clientThreads];
    for (int i = 0; i < clientThreads; i++) {
      long clientSeed = seed + i;
      URI service = services[i % services.length];
      clients[i] = new Thread(() -> drive(service, clientSeed), "traffic-" + i);
      clients[i].setDaemon(true);
    }
    this.outcomeFeeder = new Thread(this::feedOutcomes, "outcomes");
    outcomeFeeder.setDaemon(true);
  }

  public void start() {
    for (Thread t : clients) {
      t.start();
    }
    outcomeFeeder.start();
  }

  /** Switches the distribution of the transactions sent from now on. */
  public void shift(TransactionGenerator.Shift next) {
    shift.set(next);
  }

  public long sent() {
    return sent.get();
  }

  public long failed() {
    return failed.get();
  }

  public long outcomesSent() {
    return outcomesSent.get();
  }

  /** The model version in the most recent response. */
  public long lastVersion() {
    return lastVersion.get();
  }

  private void drive(URI service, long seed) {
    TransactionGenerator normal = new TransactionGenerator(seed, TransactionGenerator.Shift.NONE);
    TransactionGenerator holiday = new TransactionGenerator(seed + 1_000_003, TransactionGenerator.Shift.HOLIDAY);
    long intervalNanos = 1_000_000_000L * clients.length / Math.max(1, requestsPerSecond);
    long next = System.nanoTime();
    while (running) {
      Transaction t = shift.get() == TransactionGenerator.Shift.HOLIDAY ? holiday.next() : normal.next();
      try {
        HttpRequest request =
            HttpRequest.newBuilder(service.resolve("/score"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(TransactionJson.request(JSON.createObjectNode(), t))))
                .header("Content-Type", "application/json")
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 200) {
          JsonNode body = JSON.readTree(response.body());
          lastVersion.set(body.path("version").asLong());
          outcomes.add(new PendingOutcome(service, body.path("prediction_id").asLong(), t.fraud() == 1, System.nanoTime() + outcomeDelay.toNanos()));
          sent.incrementAndGet();
        } else {
          failed.incrementAndGet();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        failed.incrementAndGet();
      }
      next += intervalNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        try {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      } else {
        next = System.nanoTime();
      }
    }
  }

  private void feedOutcomes() {
    while (running) {
      PendingOutcome o = outcomes.peek();
      if (o == null || o.dueNanos() > System.nanoTime()) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
        continue;
      }
      outcomes.poll();
      try {
        String body = "{\"prediction_id\":" + o.predictionId() + ",\"fraud\":" + o.fraud() + "}";
        http.send(HttpRequest.newBuilder(o.service().resolve("/outcome")).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
        outcomesSent.incrementAndGet();
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // The service may be restarting; an outcome lost here is lost for the demo only.
      }
    }
  }

  @Override
  public void close() {
    running = false;
    for (Thread t : clients) {
      t.interrupt();
    }
    outcomeFeeder.interrupt();
  }
}
