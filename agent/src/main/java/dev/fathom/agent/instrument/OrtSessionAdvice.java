package dev.fathom.agent.instrument;

import dev.fathom.agent.bootstrap.FathomBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the {@code OrtSession} constructors that load a model (from a path, a byte array or
 * a buffer): tells the agent where the session's model comes from as creation starts (so hashing
 * runs alongside ONNX Runtime's loading) and which session it became. Swallows its own failures.
 */
public final class OrtSessionAdvice {
  private OrtSessionAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static Object enter(@Advice.Argument(1) Object source) {
    return FathomBridge.sessionCreating(source);
  }

  @Advice.OnMethodExit(suppress = Throwable.class)
  public static void exit(@Advice.This Object session, @Advice.Enter Object token) {
    FathomBridge.sessionCreated(session, token);
  }
}
