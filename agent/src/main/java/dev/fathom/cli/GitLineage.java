package dev.fathom.cli;

import dev.fathom.registry.Lineage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reads the code revision of a directory from git for a version's lineage: the repository (the
 * {@code origin} remote's URL without credentials, else the work tree's top-level path), the commit
 * ({@code git rev-parse HEAD}) and whether the work tree has changes ({@code git status
 * --porcelain} prints anything). Outside a repository, without git on the {@code PATH}, or in a
 * repository without commits the revision is unknown, which is not an error. Runs git read-only
 * ({@code GIT_OPTIONAL_LOCKS=0}, no prompts). Stateless.
 */
final class GitLineage {
  private static final long TIMEOUT_SECONDS = 30;

  private GitLineage() {}

  /** The revision, or null with {@code why} telling the reason. */
  record Result(Lineage.CodeRevision revision, String why) {}

  static Result read(Path dir) {
    Path directory = dir.toAbsolutePath().normalize();
    Output top = git(directory, "rev-parse", "--show-toplevel");
    if (top == null) {
      return new Result(null, "git is not available");
    }
    if (top.status != 0) {
      return new Result(null, directory + " is not in a git repository");
    }
    Output head = git(directory, "rev-parse", "--verify", "--quiet", "HEAD^{commit}");
    if (head == null || head.status != 0 || head.text.isEmpty()) {
      return new Result(null, "the git repository at " + top.text + " has no commit yet");
    }
    Output origin = git(directory, "remote", "get-url", "origin");
    String repository = origin != null && origin.status == 0 && !origin.text.isEmpty() ? withoutCredentials(origin.text) : top.text;
    Output status = git(directory, "status", "--porcelain");
    Boolean dirty = status == null || status.status != 0 ? null : !status.text.isEmpty();
    return new Result(new Lineage.CodeRevision(repository, head.text, dirty), null);
  }

  /**
   * Drops the user-info part of an http(s) remote URL, where tokens live
   * ({@code https://user:token@host/repo.git} becomes {@code https://host/repo.git}). SSH and
   * scp-style remotes ({@code git@host:repo.git}) name a login user, not a secret, and stay.
   */
  static String withoutCredentials(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      return url;
    }
    try {
      URI uri = new URI(url);
      if (uri.getRawUserInfo() == null) {
        return url;
      }
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), uri.getFragment()).toString();
    } catch (URISyntaxException e) {
      // Not a parseable URL: cut everything between "//" and the last '@' of the authority.
      int start = url.indexOf("//") + 2;
      int slash = url.indexOf('/', start);
      int at = url.lastIndexOf('@', slash < 0 ? url.length() : slash);
      return at > start ? url.substring(0, start) + url.substring(at + 1) : url;
    }
  }

  /** Output of one git command; null when git cannot be started. */
  private static Output git(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.add("-C");
    command.add(dir.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("GIT_OPTIONAL_LOCKS", "0");
    builder.environment().put("GIT_TERMINAL_PROMPT", "0");
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return null;
    }
    try (InputStream in = process.getInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      return new Output(process.exitValue(), out.toString(StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      process.destroyForcibly();
      return null;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private record Output(int status, String text) {}
}
