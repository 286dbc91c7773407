package dev.fathom.agent.monitor;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The application's ONNX Runtime sessions the agent knows, each with its {@link SessionState}, held
 * weakly so a session the application drops is forgotten. Sessions are few and created rarely, so
 * this is a copy-on-write array searched by identity: a lookup allocates nothing and takes no lock
 * (unlike a weak-keyed map, which wraps every lookup key). Thread-safe.
 */
final class SessionTable {
  private static final Entry[] EMPTY = new Entry[0];

  private volatile Entry[] entries = EMPTY;

  /** The state of {@code session}, or null if unknown. */
  SessionState get(Object session) {
    Entry[] snapshot = entries;
    for (Entry e : snapshot) {
      if (e.get() == session) {
        return e.state;
      }
    }
    return null;
  }

  /** Adds a session unless present; returns the state that is now in the table. */
  synchronized SessionState putIfAbsent(Object session, SessionState state) {
    List<Entry> live = new ArrayList<>(entries.length + 1);
    for (Entry e : entries) {
      Object s = e.get();
      if (s == session) {
        return e.state;
      }
      if (s != null) {
        live.add(e);
      }
    }
    live.add(new Entry(session, state));
    entries = live.toArray(EMPTY);
    return state;
  }

  private static final class Entry extends WeakReference<Object> {
    final SessionState state;

    Entry(Object session, SessionState state) {
      super(session);
      this.state = state;
    }
  }
}
