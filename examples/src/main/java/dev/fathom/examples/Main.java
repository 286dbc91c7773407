package dev.fathom.examples;

import dev.fathom.examples.demo.Demo;
import dev.fathom.examples.service.ScoringService;
import java.util.Arrays;

/** {@code java -jar fathom-examples.jar <demo|serve|raw-onnxruntime|library> [options]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    String command = args.length == 0 ? "demo" : args[0];
    String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
    switch (command) {
      case "demo":
        Demo.main(rest);
        break;
      case "serve":
        ScoringService.main(rest);
        break;
      case "raw-onnxruntime":
        RawOnnxRuntimeService.main(rest);
        break;
      case "library":
        LibraryExample.main(rest);
        break;
      default:
        System.err.println("usage: fathom-examples <demo|serve|raw-onnxruntime|library> [options]");
        System.exit(2);
    }
  }
}
