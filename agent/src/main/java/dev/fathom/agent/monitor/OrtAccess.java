package dev.fathom.agent.monitor;

import dev.fathom.ElementType;
import dev.fathom.Tensor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the application's ONNX Runtime objects (sessions, tensors, results) through their public
 * methods. They are the application's classes, not the agent's, so everything goes through method
 * handles looked up once per ONNX Runtime copy ({@link #of}) and typed with {@code Object}. The
 * per-call reads ({@link #elementCount}) allocate nothing; the others copy data and are for
 * session creation and sampled calls. Immutable and thread-safe.
 */
final class OrtAccess {
  private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();
  private static final ClassValue<OrtAccess> BY_SESSION_CLASS =
      new ClassValue<>() {
        @Override
        protected OrtAccess computeValue(Class<?> sessionClass) {
          try {
            return new OrtAccess(sessionClass.getClassLoader());
          } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
          }
        }
      };

  private final MethodHandle getInfo;
  private final MethodHandle getNumElements;
  private final MethodHandle getShape;
  private final MethodHandle tensorType;
  private final MethodHandle getValue;
  private final MethodHandle resultGetByName;
  private final MethodHandle getInputNames;
  private final MethodHandle getInputInfo;
  private final MethodHandle getOutputInfo;
  private final MethodHandle nodeInfo;
  private final MethodHandle getMetadata;
  private final MethodHandle graphName;
  private final Class<?> tensorInfoClass;

  private OrtAccess(ClassLoader loader) throws ReflectiveOperationException {
    Class<?> tensorLike = Class.forName("ai.onnxruntime.OnnxTensorLike", false, loader);
    Class<?> tensorInfo = Class.forName("ai.onnxruntime.TensorInfo", false, loader);
    Class<?> valueInfo = Class.forName("ai.onnxruntime.ValueInfo", false, loader);
    Class<?> onnxValue = Class.forName("ai.onnxruntime.OnnxValue", false, loader);
    Class<?> session = Class.forName("ai.onnxruntime.OrtSession", false, loader);
    Class<?> result = Class.forName("ai.onnxruntime.OrtSession$Result", false, loader);
    Class<?> node = Class.forName("ai.onnxruntime.NodeInfo", false, loader);
    Class<?> metadata = Class.forName("ai.onnxruntime.OnnxModelMetadata", false, loader);
    Class<?> javaType = Class.forName("ai.onnxruntime.OnnxJavaType", false, loader);
    this.tensorInfoClass = tensorInfo;
    this.getInfo = generic(LOOKUP.findVirtual(tensorLike, "getInfo", MethodType.methodType(tensorInfo)));
    this.getNumElements = generic(LOOKUP.findVirtual(tensorInfo, "getNumElements", MethodType.methodType(long.class)));
    this.getShape = generic(LOOKUP.findVirtual(tensorInfo, "getShape", MethodType.methodType(long[].class)));
    this.tensorType = generic(LOOKUP.findGetter(tensorInfo, "type", javaType));
    this.getValue = generic(LOOKUP.findVirtual(onnxValue, "getValue", MethodType.methodType(Object.class)));
    this.resultGetByName = generic(LOOKUP.findVirtual(result, "get", MethodType.methodType(java.util.Optional.class, String.class)));
    this.getInputNames = generic(LOOKUP.findVirtual(session, "getInputNames", MethodType.methodType(Set.class)));
    this.getInputInfo = generic(LOOKUP.findVirtual(session, "getInputInfo", MethodType.methodType(Map.class)));
    this.getOutputInfo = generic(LOOKUP.findVirtual(session, "getOutputInfo", MethodType.methodType(Map.class)));
    this.nodeInfo = generic(LOOKUP.findVirtual(node, "getInfo", MethodType.methodType(valueInfo)));
    this.getMetadata = generic(LOOKUP.findVirtual(session, "getMetadata", MethodType.methodType(metadata)));
    this.graphName = generic(LOOKUP.findVirtual(metadata, "getGraphName", MethodType.methodType(String.class)));
  }

  /** The accessors for the ONNX Runtime copy a session belongs to, or null if it cannot be read. */
  static OrtAccess of(Object session) {
    return BY_SESSION_CLASS.get(session.getClass());
  }

  /** A handle with every reference type replaced by {@code Object}, for {@code invokeExact} from here. */
  private static MethodHandle generic(MethodHandle handle) {
    MethodType type = handle.type();
    Class<?>[] params = type.parameterArray();
    for (int i = 0; i < params.length; i++) {
      if (!params[i].isPrimitive()) {
        params[i] = Object.class;
      }
    }
    Class<?> returns = type.returnType().isPrimitive() ? type.returnType() : Object.class;
    return handle.asType(MethodType.methodType(returns, params));
  }

  /** Elements of a tensor (an {@code OnnxTensorLike}); -1 if it is not one. Allocates nothing. */
  long elementCount(Object tensor) {
    try {
      Object info = (Object) getInfo.invokeExact(tensor);
      return (long) getNumElements.invokeExact(info);
    } catch (Throwable t) {
      return -1;
    }
  }

  /** The session's input names in model order. */
  List<String> inputNames(Object session) throws Throwable {
    return new ArrayList<>(castSet(getInputNames.invokeExact(session)));
  }

  /** Input name to (element type, shape) for the session's tensor inputs; other kinds are left out. */
  Map<String, Object[]> inputTensors(Object session) throws Throwable {
    return tensors(castMap((Object) getInputInfo.invokeExact(session)));
  }

  Map<String, Object[]> outputTensors(Object session) throws Throwable {
    return tensors(castMap((Object) getOutputInfo.invokeExact(session)));
  }

  private Map<String, Object[]> tensors(Map<?, ?> infos) throws Throwable {
    Map<String, Object[]> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<?, ?> e : infos.entrySet()) {
      Object info = (Object) nodeInfo.invokeExact((Object) e.getValue());
      if (tensorInfoClass.isInstance(info)) {
        ElementType type = elementType((Object) tensorType.invokeExact(info));
        if (type != null) {
          out.put((String) e.getKey(), new Object[] {type, (long[]) (Object) getShape.invokeExact(info)});
        }
      }
    }
    return out;
  }

  /** The model's graph name from its metadata, or null. */
  String graphName(Object session) {
    try {
      Object metadata = (Object) getMetadata.invokeExact(session);
      return (String) (Object) graphName.invokeExact(metadata);
    } catch (Throwable t) {
      return null;
    }
  }

  /** An output of a run result by name, or null. */
  Object resultValue(Object result, String name) throws Throwable {
    java.util.Optional<?> value = (java.util.Optional<?>) (Object) resultGetByName.invokeExact(result, (Object) name);
    return value.orElse(null);
  }

  /** A tensor's contents as a Fathom tensor (copies; for sampled calls), or null for other values. */
  Tensor tensor(Object value) throws Throwable {
    if (value == null || !isTensor(value)) {
      return null;
    }
    Object info = (Object) getInfo.invokeExact(value);
    ElementType type = elementType((Object) tensorType.invokeExact(info));
    if (type == null) {
      return null;
    }
    long[] shape = (long[]) (Object) getShape.invokeExact(info);
    Object nested = (Object) getValue.invokeExact(value);
    int size = Math.toIntExact(Tensor.elementCount(shape));
    Object flat = Array.newInstance(type.arrayType().getComponentType(), size);
    int[] position = {0};
    flatten(nested, flat, position);
    return Tensor.of(type, shape, flat);
  }

  boolean isTensor(Object value) {
    try {
      Object info = (Object) getInfo.invokeExact(value);
      return tensorInfoClass.isInstance(info);
    } catch (Throwable t) {
      return false;
    }
  }

  /** Copies a scalar or nested Java array into a flat array of the same component type. */
  private static void flatten(Object nested, Object flat, int[] position) {
    if (nested.getClass().isArray()) {
      Class<?> component = nested.getClass().getComponentType();
      if (component.isArray() || !component.isPrimitive() && component != String.class) {
        int n = Array.getLength(nested);
        for (int i = 0; i < n; i++) {
          flatten(Array.get(nested, i), flat, position);
        }
        return;
      }
      int n = Array.getLength(nested);
      System.arraycopy(nested, 0, flat, position[0], n);
      position[0] += n;
      return;
    }
    // a scalar (boxed) value
    Array.set(flat, position[0]++, nested);
  }

  /** ONNX Runtime's {@code OnnxJavaType} constant to Fathom's element type; null for unsupported ones. */
  static ElementType elementType(Object onnxJavaType) {
    switch (String.valueOf(onnxJavaType).toUpperCase(Locale.ROOT)) {
      case "FLOAT":
        return ElementType.FLOAT32;
      case "DOUBLE":
        return ElementType.FLOAT64;
      case "INT8":
        return ElementType.INT8;
      case "UINT8":
        return ElementType.UINT8;
      case "INT16":
        return ElementType.INT16;
      case "INT32":
        return ElementType.INT32;
      case "INT64":
        return ElementType.INT64;
      case "BOOL":
        return ElementType.BOOL;
      case "STRING":
        return ElementType.STRING;
      default:
        return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static Set<String> castSet(Object set) {
    return (Set<String>) set;
  }

  private static Map<?, ?> castMap(Object map) {
    return (Map<?, ?>) map;
  }
}
