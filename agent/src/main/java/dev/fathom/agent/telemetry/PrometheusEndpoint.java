package dev.fathom.agent.telemetry;

import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's Prometheus scrape endpoint: a minimal HTTP/1.1 server on a plain {@link ServerSocket}
 * that answers {@code GET}/{@code HEAD} of {@code /metrics} (and {@code /}) through the Prometheus
 * client's own {@link PrometheusScrapeHandler} (content negotiation, gzip, {@code name[]} filters),
 * and {@code /-/healthy}; one response per connection.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}, which the Prometheus exporter uses: the JDK
 * reads its {@code sun.net.httpserver.*} settings once, when the first such server in the JVM
 * starts. An agent that starts one before the application's {@code main} freezes them for the
 * application's own server: a service that turns on {@code sun.net.httpserver.nodelay} in {@code
 * main} silently keeps Nagle's algorithm and waits ~40 ms on every keep-alive response. This
 * server touches no JVM-wide state.
 *
 * <p>Scrapes are rare and small: one acceptor thread hands connections to two worker threads with
 * a short queue; a client gets 10 s to send its request head (at most 8 KiB). All threads are
 * daemons. Thread-safe; {@link #close} is idempotent.
 */
final class PrometheusEndpoint implements Closeable {
  private static final Logger LOG = Logger.getLogger(PrometheusEndpoint.class.getName());
  private static final int READ_TIMEOUT_MILLIS = 10_000;
  private static final int WORKERS = 2;
  private static final int QUEUED_CONNECTIONS = 16;

  private final ServerSocket socket;
  private final PrometheusScrapeHandler handler;
  private final ThreadPoolExecutor workers;
  private final Thread acceptor;
  private volatile boolean closed;

  private PrometheusEndpoint(ServerSocket socket, PrometheusRegistry registry) {
    this.socket = socket;
    this.handler = new PrometheusScrapeHandler(registry);
    this.workers =
        new ThreadPoolExecutor(WORKERS, WORKERS, 0L, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUED_CONNECTIONS), r -> daemon(r, "fathom-prometheus-scrape"));
    this.acceptor = daemon(this::acceptLoop, "fathom-prometheus");
  }

  /**
   * Binds {@code host:port} (port 0: any free port) and starts serving {@code registry}.
   *
   * @throws IOException when the address cannot be bound
   */
  static PrometheusEndpoint start(String host, int port, PrometheusRegistry registry) throws IOException {
    ServerSocket server = new ServerSocket();
    try {
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 64);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    PrometheusEndpoint endpoint = new PrometheusEndpoint(server, registry);
    endpoint.acceptor.start();
    return endpoint;
  }

  /** The port bound (the actual one when 0 was asked for). */
  int port() {
    return socket.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        if (!closed) {
          LOG.log(Level.FINE, "Fathom: accepting a Prometheus scrape failed", e);
        }
        continue;
      }
      try {
        workers.execute(() -> serve(connection));
      } catch (RejectedExecutionException busy) {
        closeQuietly(connection);
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      connection.setSoTimeout(READ_TIMEOUT_MILLIS);
      connection.setTcpNoDelay(true);
      SocketExchange exchange = SocketExchange.read(connection);
      if (exchange == null) {
        return;
      }
      exchange.respond(handler);
    } catch (IOException | RuntimeException e) {
      // a client that went away or sent garbage; the next scrape starts afresh
      LOG.log(Level.FINE, "Fathom: a Prometheus scrape failed", e);
    }
  }

  /** Stops serving; the port is free when this returns. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(socket);
    workers.shutdownNow();
    // Closing a socket another thread accepts on releases the port only when that thread leaves
    // accept: wait for it, briefly, so that the port can be bound again at once.
    if (Thread.currentThread() != acceptor) {
      try {
        acceptor.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException | RuntimeException ignored) {
      // closing is best effort
    }
  }

  @Override
  public String toString() {
    return "PrometheusEndpoint{" + socket.getLocalSocketAddress() + (closed ? ", closed" : "") + "}";
  }
}
