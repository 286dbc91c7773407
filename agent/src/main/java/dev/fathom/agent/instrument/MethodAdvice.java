package dev.fathom.agent.instrument;

import dev.fathom.agent.bootstrap.FathomBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into each method named in {@code instrument.methods}. Every call is timed; the argument
 * array and the boxed return value are only built inside the sampled branch (inlined advice builds
 * them where the parameter is read), so an unsampled call allocates nothing. Swallows its own
 * failures.
 */
public final class MethodAdvice {
  private MethodAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter(@MethodId int method) {
    return FathomBridge.methodStart(method);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @MethodId int method,
      @Advice.Enter long token,
      @Advice.Thrown Throwable error,
      @Advice.AllArguments Object[] arguments,
      @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result) {
    if (FathomBridge.methodEnd(method, token, error)) {
      FathomBridge.methodSample(method, arguments, result);
    }
  }
}
