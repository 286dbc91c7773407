package dev.fathom.loadertest;

/** A class the class loader test stores as {@code .classdata}. */
public class Sample {
  @Override
  public String toString() {
    return "sample";
  }
}
