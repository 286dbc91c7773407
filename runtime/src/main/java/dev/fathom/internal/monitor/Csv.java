package dev.fathom.internal.monitor;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader: comma-separated fields, double quotes around fields that hold commas,
 * quotes ({@code ""}) or line breaks. Not thread-safe.
 */
public final class Csv implements AutoCloseable {
  private final BufferedReader reader;
  private long line;
  private long recordLine;

  public Csv(BufferedReader reader) {
    this.reader = reader;
  }

  /** The line number the last record started on (1-based). */
  public long line() {
    return recordLine;
  }

  /** The next record's fields, or null at the end. Blank lines are skipped. */
  public List<String> next() throws IOException {
    String text;
    do {
      text = reader.readLine();
      line++;
      if (text == null) {
        return null;
      }
    } while (text.isBlank());
    long start = line;
    recordLine = start;
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    int i = 0;
    while (true) {
      if (i == text.length()) {
        if (quoted) {
          String more = reader.readLine();
          line++;
          if (more == null) {
            throw new IOException("line " + start + ": a quoted field is not closed");
          }
          field.append('\n');
          text = more;
          i = 0;
          continue;
        }
        fields.add(field.toString());
        break;
      }
      char ch = text.charAt(i++);
      if (quoted) {
        if (ch == '"') {
          if (i < text.length() && text.charAt(i) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(ch);
        }
      } else if (ch == '"' && field.length() == 0) {
        quoted = true;
      } else if (ch == ',') {
        fields.add(field.toString());
        field.setLength(0);
      } else if (ch != '\r' || i != text.length()) {
        field.append(ch);
      }
    }
    return fields;
  }

  /** Whether a cell means "no value": empty, {@code NA}, {@code null}, {@code NaN} (any case). */
  public static boolean isMissing(String cell) {
    String t = cell.trim();
    return t.isEmpty() || t.equalsIgnoreCase("na") || t.equalsIgnoreCase("null") || t.equalsIgnoreCase("nan");
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
