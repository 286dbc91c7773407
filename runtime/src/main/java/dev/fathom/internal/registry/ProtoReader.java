package dev.fathom.internal.registry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf wire format from a buffer, one field at a time. Just enough to walk an ONNX model
 * without a protobuf dependency; every length is bounds-checked so a corrupt file raises {@link
 * MalformedProtoException} instead of reading out of range. Not thread-safe.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private final ByteBuffer buffer;
  private int field;
  private int wireType;

  /** Reads {@code buffer} from its position to its limit. */
  ProtoReader(ByteBuffer buffer) {
    this.buffer = buffer;
  }

  /** Advances to the next field; false at the end of the message. */
  boolean next() {
    if (!buffer.hasRemaining()) {
      return false;
    }
    long tag = varint();
    field = (int) (tag >>> 3);
    wireType = (int) (tag & 7);
    if (field <= 0) {
      throw new MalformedProtoException("invalid field number " + field);
    }
    return true;
  }

  int field() {
    return field;
  }

  int wireType() {
    return wireType;
  }

  long varint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (!buffer.hasRemaining()) {
        throw new MalformedProtoException("truncated varint");
      }
      byte b = buffer.get();
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new MalformedProtoException("varint longer than 10 bytes");
  }

  /** The current length-delimited field as a reader over its bytes. */
  ProtoReader message() {
    return new ProtoReader(bytes());
  }

  String string() {
    ByteBuffer slice = bytes();
    byte[] data = new byte[slice.remaining()];
    slice.get(data);
    return new String(data, StandardCharsets.UTF_8);
  }

  /** Skips the current field's value. */
  void skip() {
    switch (wireType) {
      case VARINT:
        varint();
        break;
      case FIXED64:
        advance(8);
        break;
      case LENGTH_DELIMITED:
        bytes();
        break;
      case FIXED32:
        advance(4);
        break;
      default:
        throw new MalformedProtoException("unsupported wire type " + wireType + " for field " + field);
    }
  }

  private ByteBuffer bytes() {
    if (wireType != LENGTH_DELIMITED) {
      throw new MalformedProtoException("field " + field + " has wire type " + wireType + ", expected length-delimited");
    }
    long length = varint();
    if (length < 0 || length > buffer.remaining()) {
      throw new MalformedProtoException("field " + field + " claims " + length + " bytes but " + buffer.remaining() + " remain");
    }
    ByteBuffer slice = buffer.slice();
    slice.limit((int) length);
    buffer.position(buffer.position() + (int) length);
    return slice;
  }

  private void advance(int n) {
    if (buffer.remaining() < n) {
      throw new MalformedProtoException("truncated fixed-width field " + field);
    }
    buffer.position(buffer.position() + n);
  }

  /** The file is not valid protobuf. */
  static final class MalformedProtoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedProtoException(String message) {
      super(message);
    }
  }
}
