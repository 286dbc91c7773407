package dev.fathom.agent.it.apps;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A service that uses ONNX Runtime directly, knowing nothing of Fathom: creates a session on a
 * model file and runs it in a loop. Arguments: model path, number of calls (-1: until standard
 * input closes), pause between calls in ms. Prints {@code calls done: N sum=S}, then waits for
 * standard input to close and prints {@code bye}.
 */
public final class OrtLoopApp {
  private OrtLoopApp() {}

  public static void main(String[] args) throws Exception {
    AtomicBoolean stdinClosed = new AtomicBoolean();
    Thread stdin =
        new Thread(() -> {
          try {
            while (System.in.read() >= 0) {
              // the test closes standard input to end the application
            }
          } catch (IOException e) {
            // closed
          }
          stdinClosed.set(true);
        });
    stdin.setDaemon(true);
    stdin.start();
    int calls = Integer.parseInt(args[1]);
    long pause = Long.parseLong(args[2]);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    double sum = 0;
    int done = 0;
    try (OrtSession session = env.createSession(args[0], new OrtSession.SessionOptions())) {
      String input = session.getInputNames().iterator().next();
      System.out.println("session created, input " + input);
      float[][] row = new float[1][16];
      for (int i = 0; i < 16; i++) {
        row[0][i] = (i % 5) * 0.25f - 0.5f;
      }
      while (calls < 0 ? !stdinClosed.get() : done < calls) {
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, row);
            OrtSession.Result result = session.run(Map.of(input, tensor))) {
          sum += ((float[][]) result.get(0).getValue())[0][0];
        }
        done++;
        if (done == 1) {
          System.out.println("first call done");
        }
        if (pause > 0) {
          Thread.sleep(pause);
        }
      }
    }
    System.out.printf("calls done: %d sum=%.4f%n", done, sum);
    stdin.join();
    System.out.println("bye");
  }
}
