package dev.fathom.agent.it.apps;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A service that configures the JDK's HTTP server in {@code main}, as many do, and starts one. It
 * first waits until the agent's Prometheus endpoint (port in {@code args[0]}) answers, so the agent
 * is fully started before the application touches the JDK's server.
 */
public final class JdkHttpServerApp {
  private JdkHttpServerApp() {}

  public static void main(String[] args) throws Exception {
    URI metrics = URI.create("http://127.0.0.1:" + args[0] + "/metrics");
    HttpClient client = HttpClient.newHttpClient();
    for (int attempt = 0; ; attempt++) {
      try {
        if (client.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          break;
        }
      } catch (java.io.IOException notYet) {
        if (attempt > 600) {
          throw notYet;
        }
      }
      Thread.sleep(100);
    }
    System.out.println("agent endpoint up");
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.start();
    System.out.println("application server started");
    server.stop(0);
    System.out.println("bye");
  }
}
