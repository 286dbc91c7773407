package dev.fathom.agent.it.apps;

/** The smallest service: prints a line and, with argument {@code wait}, waits for standard input to close. */
public final class HelloApp {
  private HelloApp() {}

  public static void main(String[] args) throws Exception {
    System.out.println("hello from the application");
    if (args.length > 0 && args[0].equals("wait")) {
      while (System.in.read() >= 0) {
        // the test closes standard input to end the application
      }
    }
    System.out.println("bye");
  }
}
