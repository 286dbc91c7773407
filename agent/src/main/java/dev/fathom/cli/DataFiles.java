package dev.fathom.cli;

import dev.fathom.internal.util.Hashing;
import dev.fathom.registry.Lineage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Describes a training data file for a version's lineage: its sha256 and, for a CSV or TSV file, the
 * number of data rows (records after the header; empty lines do not count, and in a CSV file line
 * breaks inside double-quoted fields do not end a record). Stateless.
 */
final class DataFiles {
  private DataFiles() {}

  /**
   * The data version of {@code file}, under {@code uri} (the file's {@code file:} URI when null).
   *
   * @throws IOException if the file cannot be read
   */
  static Lineage.DataVersion describe(Path file, String uri) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("data file " + file + " does not exist");
    }
    String sha256 = Hashing.sha256(file);
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Long rows = null;
    if (name.endsWith(".csv")) {
      rows = Math.max(0, records(file, true) - 1);
    } else if (name.endsWith(".tsv")) {
      rows = Math.max(0, records(file, false) - 1);
    }
    String location = uri != null ? uri : file.toAbsolutePath().normalize().toUri().toString();
    return new Lineage.DataVersion(location, sha256, rows);
  }

  /** Non-empty records in the file, header included. */
  static long records(Path file, boolean quoted) throws IOException {
    long records = 0;
    boolean inQuotes = false;
    boolean content = false;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      int b;
      while ((b = in.read()) != -1) {
        if (b == '"' && quoted) {
          // RFC 4180 escapes a quote by doubling it, which toggles twice: the state stays right.
          inQuotes = !inQuotes;
          content = true;
        } else if (b == '\n' && !inQuotes) {
          if (content) {
            records++;
          }
          content = false;
        } else if (b != '\r') {
          content = true;
        }
      }
    }
    return content ? records + 1 : records;
  }
}
