package dev.fathom.agent.bootstrap;

/**
 * The meeting point of the application, the instrumented code and the agent, loaded by the
 * bootstrap class loader so every class loader sees the one copy. The agent installs its {@link
 * FathomService} (for the application's {@code Fathom.global()}) and its {@link CallHandler} (for
 * advice); advice calls the static methods here, which do nothing until a handler is installed.
 * Thread-safe; the advice-facing methods never throw.
 */
public final class FathomBridge {
  private static volatile FathomService service;
  private static volatile CallHandler handler;

  private FathomBridge() {}

  /** The agent's service, or null when no agent serves in this JVM. */
  public static FathomService service() {
    return service;
  }

  public static void installService(FathomService agentService) {
    service = agentService;
  }

  public static void installHandler(CallHandler callHandler) {
    handler = callHandler;
  }

  public static Object sessionCreating(Object source) {
    CallHandler h = handler;
    if (h == null) {
      return null;
    }
    try {
      return h.sessionCreating(source);
    } catch (Throwable t) {
      return null;
    }
  }

  public static void sessionCreated(Object session, Object token) {
    CallHandler h = handler;
    if (h != null) {
      try {
        h.sessionCreated(session, token);
      } catch (Throwable t) {
        // monitoring never breaks the application
      }
    }
  }

  public static long runStart(Object session) {
    CallHandler h = handler;
    if (h == null) {
      return 0L;
    }
    try {
      return h.runStart(session);
    } catch (Throwable t) {
      return 0L;
    }
  }

  public static void runEnd(Object session, Object inputs, Object result, Throwable error, long token) {
    CallHandler h = handler;
    if (h != null && token != 0L) {
      try {
        h.runEnd(session, inputs, result, error, token);
      } catch (Throwable t) {
        // monitoring never breaks the application
      }
    }
  }

  public static long methodStart(int method) {
    CallHandler h = handler;
    if (h == null) {
      return 0L;
    }
    try {
      return h.methodStart(method);
    } catch (Throwable t) {
      return 0L;
    }
  }

  public static boolean methodEnd(int method, long token, Throwable error) {
    CallHandler h = handler;
    if (h == null || token == 0L) {
      return false;
    }
    try {
      return h.methodEnd(method, token, error);
    } catch (Throwable t) {
      return false;
    }
  }

  public static void methodSample(int method, Object[] arguments, Object result) {
    CallHandler h = handler;
    if (h != null) {
      try {
        h.methodSample(method, arguments, result);
      } catch (Throwable t) {
        // monitoring never breaks the application
      }
    }
  }
}
