package dev.fathom.agent.instrument;

import dev.fathom.agent.bootstrap.FathomBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the innermost public {@code OrtSession.run} overload (the one every other overload
 * calls), so one inference counts once. Calls only the bootstrap bridge, with JDK types; swallows
 * its own failures.
 */
public final class OrtRunAdvice {
  private OrtRunAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static long enter(@Advice.This Object session) {
    return FathomBridge.runStart(session);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  public static void exit(
      @Advice.This Object session,
      @Advice.Argument(0) Object inputs,
      @Advice.Return(typing = net.bytebuddy.implementation.bytecode.assign.Assigner.Typing.DYNAMIC) Object result,
      @Advice.Thrown Throwable error,
      @Advice.Enter long token) {
    FathomBridge.runEnd(session, inputs, result, error, token);
  }
}
