#!/usr/bin/env python3
"""Records a benchmark run's machine and settings, and turns its JMH JSON into REPORT.md.

Standard library only. benchmarks/run.sh calls it three times:

  report.py describe --results DIR --jar JAR [--java JAVA] [--set KEY=VALUE ...]
      before measuring: machine, versions, settings and load into DIR/run.json
  report.py finish --results DIR --seconds N
      after measuring: duration and load average into DIR/run.json
  report.py report --results DIR --out FILE
      reads DIR/*.json (JMH results) and DIR/run.json, writes the Markdown report

Every figure in the report is compared with raw ONNX Runtime's best path measured in the same
run (and with the usual raw code). New benchmark classes and new Fathom `mode` values show up
on their own: known cases get readable labels, unknown ones are listed under their JMH names.
"""

import argparse
import datetime
import glob
import json
import os
import platform
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# ---------------------------------------------------------------------------------------------
# What the cases are
# ---------------------------------------------------------------------------------------------

BEST = "ort.best"
USUAL = "ort.usual"

# benchmark (Class.method) -> (case key, label); Fathom cases get the mode appended.
KNOWN = {
    "RawOrtBenchmark.usual": (USUAL, "raw ONNX Runtime: usual code (`float[][]` in, `getValue()` out)"),
    "RawOrtBenchmark.directPerCall": ("ort.direct", "raw ONNX Runtime: new direct buffer per call"),
    "RawOrtBenchmark.best": (BEST, "raw ONNX Runtime: best path (reused direct input, pinned output)"),
    "DjlBenchmark.predict": ("djl", "DJL ONNX Runtime engine (per-thread `Predictor`)"),
    "FathomBenchmark.predictor": ("fathom.predictor", "Fathom `Predictor` (per-thread fast path)"),
    "FathomBenchmark.modelPredict": ("fathom.model", "Fathom `Model.predict(float[])` (thread-safe)"),
    "AgentOrtBenchmark.usual": ("agent.usual", "raw ONNX Runtime under the Fathom agent: usual code (1% sampled, validation observe)"),
    "AgentOrtBenchmark.best": ("agent.best", "raw ONNX Runtime under the Fathom agent: best path (1% sampled, validation observe)"),
}
ORDER = [USUAL, "ort.direct", BEST, "djl", "fathom.predictor", "fathom.model", "agent.usual", "agent.best"]
AGENT_BEST = "agent.best"
AGENT_USUAL = "agent.usual"
STARTUP_FILE = "agent-startup.json"

# Fathom's `mode` parameter: what Fathom monitors while serving (FathomModes.java).
MODES = {
    "off": "monitoring off",
    "latency": "latency only",
    "sampled-1pct": "1% sampled, validation observe",
    "sampled-100pct-drift": "100% sampled, drift",
    "agent": "the agent's defaults (1% sampled, validation observe, drift)",  # AgentOrtBenchmark's summary line
}
MODE_ORDER = ["off", "latency", "sampled-1pct", "sampled-100pct-drift"]
MONITORED = "sampled-1pct"  # the mode the monitoring targets are about

MODELS = {
    "tiny": "tiny: `mlp16.onnx`, 16 features, hidden 32, one output",
    "medium": "medium: generated MLP, 256 features, hidden 1024, one output (about 1 MiB of weights)",
}

# Below this many bytes per call beyond the best path, nothing is allocated per call: any object
# costs at least 16 B, so a fraction of a byte is an allocation made once every many calls.
ALLOC_TOLERANCE = 2.0

# A throughput verdict is flagged unreliable when its iterations spread more than this around the
# median: a 3% margin cannot be judged from figures that move by 10%.
NOISY = 0.10


# ---------------------------------------------------------------------------------------------
# describe / finish
# ---------------------------------------------------------------------------------------------

def read(path, default=""):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return default


def machine(java, jar):
    cpuinfo = read("/proc/cpuinfo")
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", read("/proc/meminfo"), re.M)
    osrel = re.search(r'^PRETTY_NAME="?([^"\n]+)"?', read("/etc/os-release"), re.M)
    info = {
        "cpu": models[0].strip() if models else platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "os": (osrel.group(1) if osrel else platform.system()) + ", " + " ".join(platform.uname()[2:3] + platform.uname()[4:5]),
        "load_start": read("/proc/loadavg").split()[:3],
    }
    try:
        out = subprocess.run([java, "-cp", jar, "dev.fathom.bench.Versions"], capture_output=True, text=True, timeout=120)
        info["versions"] = json.loads(out.stdout.strip().splitlines()[0])
    except (OSError, subprocess.SubprocessError, ValueError, IndexError) as e:
        info["versions"] = {"error": str(e)}
    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip()
        info["commit"] = commit + (" (with uncommitted changes)" if dirty else "")
    except OSError:
        info["commit"] = "unknown"
    return info


def describe(args):
    run = {
        "started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(args.java, args.jar),
        "settings": dict(kv.split("=", 1) for kv in args.set),
    }
    write_json(os.path.join(args.results, "run.json"), run)


def finish(args):
    path = os.path.join(args.results, "run.json")
    run = load_json(path) or {}
    run["seconds"] = args.seconds
    run.setdefault("machine", {})["load_end"] = read("/proc/loadavg").split()[:3]
    write_json(path, run)


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Reading JMH results
# ---------------------------------------------------------------------------------------------

TIME_NS = {"ns/op": 1.0, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}
RATE_S = {"ops/s": 1.0, "ops/ms": 1e3, "ops/us": 1e6, "ops/ns": 1e9, "ops/min": 1 / 60.0}


class Measure:
    """A case on a model in one benchmark mode at one thread count, over every round and fork.

    Rounds are separate JMH invocations of the whole suite (run.sh's ROUNDS), so a burst of load
    from other processes on the shared machine lands on a slice of every case instead of all of
    one case. Latency percentiles come from the merged sample histograms; throughput and
    allocation are medians of the per-iteration values.
    """

    def __init__(self, r):
        name = r["benchmark"]
        short = ".".join(name.split(".")[-2:])
        params = dict(r.get("params") or {})
        self.model = params.pop("model", "?")
        mode = params.pop("mode", None)
        key, label = KNOWN.get(short, (short, "`" + short + "`"))
        if mode is not None:
            key += "." + mode
            label += ", " + MODES.get(mode, "mode " + mode)
        if params:
            extra = ", ".join("%s=%s" % kv for kv in sorted(params.items()))
            key += "[" + extra + "]"
            label += " (" + extra + ")"
        self.key, self.label, self.fathom_mode = key, label, mode
        self.bm = r["mode"]
        self.threads = r["threads"]
        self.raw = r
        self.records = []
        self.add(r)

    def identity(self):
        return (self.key, self.model, self.bm, self.threads)

    def add(self, r):
        self.records.append(r)
        self._hist = None

    def _histogram(self):
        if self._hist is None:
            counts = {}
            for r in self.records:
                pm = r["primaryMetric"]
                f = TIME_NS.get(pm.get("scoreUnit", ""), 1.0)
                for fork in pm.get("rawDataHistogram") or []:
                    for iteration in fork:
                        for value, n in iteration:
                            counts[value * f] = counts.get(value * f, 0) + n
            self._hist = sorted(counts.items())
        return self._hist

    def p(self, q):
        """Percentile q (e.g. "50.0") in ns, nearest rank over every sampled call."""
        hist = self._histogram()
        total = sum(n for _, n in hist)
        if total == 0:
            return None
        rank = max(1, -(-float(q) * total // 100))
        seen = 0
        for value, n in hist:
            seen += n
            if seen >= rank:
                return value
        return hist[-1][0]

    def _iterations(self, metric):
        values = []
        for r in self.records:
            m = r["primaryMetric"] if metric is None else (r.get("secondaryMetrics") or {}).get(metric)
            if not m:
                continue
            f = RATE_S.get(m.get("scoreUnit", ""), 1.0) if metric is None else 1.0
            for fork in m.get("rawData") or []:
                values.extend(v * f for v in fork)
        return sorted(values)

    def undisturbed(self):
        """(ops/s, CPU ns per call) of the iterations in which the JVM got at least 85% of the
        cores its threads asked for: those a busy machine did not slow down."""
        out = []
        for r in self.records:
            pm, sm = r["primaryMetric"], r.get("secondaryMetrics") or {}
            f = RATE_S.get(pm.get("scoreUnit", ""), 1.0)
            cores, cpus = (sm.get("cpu.cores") or {}).get("rawData"), (sm.get("cpu.time.norm") or {}).get("rawData")
            if not cores or not cpus:
                continue
            for fork_ops, fork_cores, fork_cpu in zip(pm.get("rawData") or [], cores, cpus):
                for o, c, u in zip(fork_ops, fork_cores, fork_cpu):
                    if c >= 0.85 * self.threads:
                        out.append((o * f, u))
        return out

    @property
    def ops(self):
        return median(self._iterations(None))

    @property
    def ops_range(self):
        v = self._iterations(None)
        return (v[0], v[-1]) if v else None

    @property
    def alloc(self):
        return median(self._iterations("gc.alloc.rate.norm"))

    @property
    def cpu(self):
        """CPU ns per call, all of the JVM's threads (CpuProfiler)."""
        return median(self._iterations("cpu.time.norm"))


def quartile(values, q):
    """Lower (q=1) or upper (q=3) quartile of sorted values, nearest rank."""
    if not values:
        return None
    rank = -(-q * len(values) // 4)  # ceil(q/4 * n)
    return values[max(1, rank) - 1]


def spread_of(values):
    """Largest distance of the slowest or fastest iteration from the median, as a fraction."""
    m = median(values)
    if not values or not m:
        return 0.0
    return max(1 - values[0] / m, values[-1] / m - 1)


def median(values):
    if not values:
        return None
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2.0


MONITOR_PACKAGE = ".internal.monitor."


def load_results(directory):
    """The latency/throughput measures; the monitoring suites' records are in monitor_records()."""
    measures = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
        if os.path.basename(path) == "run.json":
            continue
        data = load_json(path)
        if not isinstance(data, list):
            continue
        for r in data:
            if MONITOR_PACKAGE in r.get("benchmark", ""):
                continue
            m = Measure(r)
            if m.identity() in measures:
                measures[m.identity()].add(r)
            else:
                measures[m.identity()] = m
    return list(measures.values())


def monitor_records(directory):
    """JMH records of the monitoring suites (SampledRowBenchmark, DriftWindowBenchmark,
    ObserverBenchmark), keyed by (Class.method, params as a sorted tuple)."""
    out = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.json"))):
        data = load_json(path)
        if not isinstance(data, list):
            continue
        for r in data:
            name = r.get("benchmark", "")
            if MONITOR_PACKAGE not in name:
                continue
            short = ".".join(name.split(".")[-2:])
            out.setdefault((short, tuple(sorted((r.get("params") or {}).items()))), []).append(r)
    return out


def monitor_value(records, short, metric=None, **params):
    """Median over iterations of a monitoring suite's score (or a secondary metric), in ns for times."""
    rs = records.get((short, tuple(sorted((k, str(v)) for k, v in params.items()))))
    if not rs:
        return None
    values = []
    for r in rs:
        m = r["primaryMetric"] if metric is None else (r.get("secondaryMetrics") or {}).get(metric)
        if not m:
            continue
        f = TIME_NS.get(m.get("scoreUnit", ""), 1.0) if metric is None else 1.0
        for fork in m.get("rawData") or []:
            values.extend(v * f for v in fork)
    return median(sorted(values))


def monitor_spread(records, short, **params):
    """(lowest, highest) iteration of a monitoring suite's score in ns."""
    rs = records.get((short, tuple(sorted((k, str(v)) for k, v in params.items()))))
    if not rs:
        return None
    values = []
    for r in rs:
        m = r["primaryMetric"]
        f = TIME_NS.get(m.get("scoreUnit", ""), 1.0)
        for fork in m.get("rawData") or []:
            values.extend(v * f for v in fork)
    return (min(values), max(values)) if values else None


# Features of the sampled-row suite and of its windows: the 20-feature case.
ROW_FEATURES = 20
WINDOW_SAMPLES = 1000


def sampled_row(records):
    """The cost of one sampled row of 20 features, in ns: request thread, analyzer, both; the
    window evaluation's share (closing a window of 1000 samples, per sample); the row itself
    (both minus that share)."""
    both = monitor_value(records, "SampledRowBenchmark.requestAndAnalyzer", features=ROW_FEATURES)
    request = monitor_value(records, "SampledRowBenchmark.requestThread", features=ROW_FEATURES)
    analyzer = monitor_value(records, "SampledRowBenchmark.analyzer", features=ROW_FEATURES)
    window = monitor_value(records, "DriftWindowBenchmark.closeWindow", features=ROW_FEATURES)
    share = window / WINDOW_SAMPLES if window is not None else None
    row = both - share if both is not None and share is not None else None
    return {"both": both, "request": request, "analyzer": analyzer, "share": share, "row": row}


class Results:
    def __init__(self, measures):
        self.all = measures
        self.by = {m.identity(): m for m in measures}

    def get(self, key, model, bm, threads):
        return self.by.get((key, model, bm, threads))

    def models(self):
        present = {m.model for m in self.all}
        return [m for m in MODELS if m in present] + sorted(present - set(MODELS))

    def threads(self, bm):
        return sorted({m.threads for m in self.all if m.bm == bm})

    def cases(self, model):
        keys = {}
        for m in self.all:
            if m.model == model:
                keys[m.key] = m.label

        def rank(k):
            base = k.split("[")[0]
            for i, prefix in enumerate(ORDER):
                if base == prefix:
                    return (i, 0, k)
                if base.startswith(prefix + "."):
                    mode = base[len(prefix) + 1:]
                    return (i, MODE_ORDER.index(mode) if mode in MODE_ORDER else len(MODE_ORDER), k)
            return (len(ORDER), 0, k)

        return [(k, keys[k]) for k in sorted(keys, key=rank)]

    def modes(self):
        present = {m.fathom_mode for m in self.all if m.fathom_mode}
        return [m for m in MODE_ORDER if m in present] + sorted(present - set(MODE_ORDER))


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------

def us(ns):
    if ns is None:
        return "–"
    v = ns / 1000.0
    return "%.3f" % v if v < 10 else ("%.2f" % v if v < 100 else "%.1f" % v)


def ops(v):
    return "–" if v is None else "{:,.0f}".format(v)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return "%.2f×" % (a / b)


def signed_ns(d):
    return "–" if d is None else "%+.0f ns" % d


def spread(m):
    r = m.ops_range
    if not r or not m.ops or len(m._iterations(None)) < 2:
        return ""
    return " [%+.0f%%, %+.0f%%]" % (100.0 * (r[0] / m.ops - 1), 100.0 * (r[1] / m.ops - 1))


def bytes_(v):
    return "–" if v is None else "%.0f" % v


def signed_bytes(v):
    return "–" if v is None else "%+.0f" % v


# ---------------------------------------------------------------------------------------------
# Targets (issue 5), tiny model
# ---------------------------------------------------------------------------------------------

def p50(res, key, model="tiny", threads=1):
    m = res.get(key, model, "sample", threads)
    return m.p("50.0") if m else None


def thrpt(res, key, threads, model="tiny"):
    m = res.get(key, model, "thrpt", threads)
    return m.ops if m else None


def alloc(res, key, threads=1, model="tiny"):
    m = res.get(key, model, "thrpt", threads) or res.get(key, model, "sample", threads)
    return m.alloc if m else None


def cpu(res, key, threads=1, model="tiny"):
    m = res.get(key, model, "thrpt", threads)
    return m.cpu if m else None


def pending(why):
    return ("–", "pending: " + why)


def verdict(ok):
    return "**met**" if ok else "**missed**"


def p50_by_round(res, key, model="tiny"):
    """p50 of each round (JMH invocation) of a latency case, in ns."""
    m = res.get(key, model, "sample", 1)
    if not m:
        return []
    out = []
    for r in m.records:
        single = Measure(r)
        out.append(single.p("50.0"))
    return out


def context(row):
    """A row that gives context, not a target: its verdict in plain words, not bold."""
    label, measured, status = row
    return (label, measured, status.replace("**", "").replace("met", "would meet the bar").replace("missed", "would miss the bar")
            if status.startswith("**") else status)


def targets(res, records, res_dir=None):
    """(target, measured, status) rows for the issue's targets on the tiny model; res_dir holds the
    agent's start-up JSON."""
    rows = []
    mon = "fathom.predictor." + MONITORED
    off = "fathom.predictor.off"
    lat = "fathom.predictor.latency"
    have_mon = p50(res, mon) is not None
    best, usual, djl = p50(res, BEST), p50(res, USUAL), p50(res, "djl")
    not_run = "mode `%s` not measured in this run" % MONITORED

    # 1. monitoring at 1% adds at most 100 ns to p50 over monitoring off
    t1 = "Monitoring at 1% sampling adds ≤ 100 ns to p50 over monitoring off"
    hooks_off = monitor_value(records, "ObserverBenchmark.observedCall", mode="off")
    hooks_mon = monitor_value(records, "ObserverBenchmark.observedCall", mode=MONITORED)
    hooks = hooks_mon - hooks_off if hooks_mon is not None and hooks_off is not None else None
    if have_mon and p50(res, off) is not None:
        d = p50(res, mon) - p50(res, off)
        rounds = [a - b for a, b in zip(p50_by_round(res, mon), p50_by_round(res, off))]
        # p50s of separate JVMs move by tens of ns on a shared machine; the isolated hooks do not
        noise = max(abs(x - d) for x in rounds) if len(rounds) > 1 else None
        text = "p50 %s (%s µs vs %s µs)" % (signed_ns(d), us(p50(res, mon)), us(p50(res, off)))
        if len(rounds) > 1:
            text += "; per round %s" % ", ".join(signed_ns(x) for x in rounds)
        if hooks is not None:
            text += "; the hooks alone (`ObserverBenchmark`, start + succeeded of one call): %.0f ns" % hooks
        if d <= 100 and (hooks is None or hooks <= 100):
            status = verdict(True)
        elif d > 100 and (hooks is None or hooks > 100):
            status = verdict(False)
        else:
            # the p50s of two JVMs and the isolated hooks disagree: say so rather than pick one
            status = "**inconclusive** (the p50 difference says %s, the isolated hooks say %s)" % (
                "met" if d <= 100 else "missed", "met" if hooks <= 100 else "missed")
        rows.append((t1, text, status))
    else:
        rows.append((t1,) + pending(not_run))

    # 2. within 5% of the best path, and 3. beats the usual code (p50)
    def within5(key, label):
        v = p50(res, key)
        if v is None or best is None:
            return (label,) + pending("not measured in this run")
        r = v / best
        return (label, "%s µs vs %s µs: %s" % (us(v), us(best), ratio(v, best)), verdict(r <= 1.05))

    def beats_usual(key, label):
        v = p50(res, key)
        if v is None or usual is None:
            return (label,) + pending("not measured in this run")
        return (label, "%s µs vs %s µs: %s" % (us(v), us(usual), ratio(v, usual)), verdict(v < usual))

    rows.append(within5(mon, "Fathom `Predictor` with monitoring (1%): p50 within 5% of raw ONNX Runtime's best path"))
    rows.append(context(within5("fathom.predictor.sampled-100pct-drift", "(for scale) Fathom `Predictor`, 100% sampled with drift: p50 against the best path")))
    rows.append(beats_usual(mon, "Fathom `Predictor` with monitoring (1%): p50 beats the usual raw code"))
    rows.append(beats_usual("fathom.model." + MONITORED, "Fathom `Model.predict` with monitoring (1%): p50 beats the usual raw code"))

    # 4. throughput at least 97% of the best path at 1 and 2 threads
    def throughput97(key, label):
        """At least 97% of the best path's throughput at 1 and 2 threads.

        A shared machine takes turns on the cores, so this judges, in order of preference:
        wall-clock throughput when its iterations are steady (spread within NOISY); else
        wall-clock throughput over the undisturbed iterations only (the JVM got its cores; at
        least 2 per case); else, for one thread, calls per CPU-second (1 / CPU time per call),
        which hardly moves with load; for two threads there is no fair proxy, so "inconclusive".
        The ratio of medians decides, unless the quartiles leave room on both sides of 97%.
        """
        parts, states, seen = [], [], False
        for t in (1, 2):
            m, b = res.get(key, "tiny", "thrpt", t), res.get(BEST, "tiny", "thrpt", t)
            if m is None or b is None:
                continue
            seen = True
            wm, wb = m._iterations(None), b._iterations(None)
            um, ub = sorted(o for o, _ in m.undisturbed()), sorted(o for o, _ in b.undisturbed())
            cm, cb = m._iterations("cpu.time.norm"), b._iterations("cpu.time.norm")
            note = ""
            if max(spread_of(wm), spread_of(wb)) <= NOISY:
                basis, x, y = "wall-clock", wm, wb
            elif len(um) >= 2 and len(ub) >= 2:
                basis, x, y = "wall-clock, undisturbed iterations (%d and %d)" % (len(um), len(ub)), um, ub
            elif cm and cb and t == 1:
                basis = "calls per CPU-second"
                # throughput-equivalent: the best path's CPU per call over this case's
                x, y = sorted(1e9 / v for v in cm), sorted(1e9 / v for v in cb)
            elif t > 1:
                # CPU per call of parallel threads depends on whether they really ran side by side
                # (two threads on two hyperthreads of one core cost more CPU each): no fair proxy.
                basis, x, y = "wall-clock (noisy)", wm, wb
                note = "; the JVMs seldom got %d cores (%d and %d undisturbed iterations)" % (t, len(um), len(ub))
            else:
                basis, x, y = "wall-clock (noisy)", wm, wb
            r, lo, hi = median(x) / median(y), quartile(x, 1) / quartile(y, 3), quartile(x, 3) / quartile(y, 1)
            state = "met" if r >= 0.97 else ("missed" if hi < 0.97 else "inconclusive")
            if note:
                state = "inconclusive"
            states.append(state)
            parts.append("%d thread%s: %.1f%% (quartiles %.0f–%.0f%%; %s%s)" % (
                t, "s" if t > 1 else "", 100 * r, 100 * lo, 100 * hi, basis, note))
        if not seen:
            return (label,) + pending("not measured in this run")
        overall = "missed" if "missed" in states else ("inconclusive" if "inconclusive" in states else "met")
        status = {"met": verdict(True), "missed": verdict(False),
                  "inconclusive": "**inconclusive** (within the noise of this run)"}[overall]
        return (label, "vs best path, " + "; ".join(parts), status)

    rows.append(throughput97(mon, "Fathom `Predictor` with monitoring (1%): throughput ≥ 97% of best path at 1 and 2 threads"))
    rows.append(context(throughput97(off, "(for comparison) Fathom `Predictor`, monitoring off: throughput against the best path")))

    # 5. zero bytes per call on the unsampled path beyond ONNX Runtime's own
    def zero_alloc(key, label, threads=(1, 2)):
        parts, ok, seen = [], True, False
        for t in threads:
            a, b = alloc(res, key, t), alloc(res, BEST, t)
            if a is None or b is None:
                continue
            seen = True
            parts.append("%d thread%s: %s B/op vs %s B/op (%s)" % (t, "s" if t > 1 else "", bytes_(a), bytes_(b), signed_bytes(a - b)))
            ok = ok and a - b < ALLOC_TOLERANCE
        if not seen:
            return (label,) + pending("not measured in this run")
        return (label, "; ".join(parts), verdict(ok))

    rows.append(zero_alloc(lat, "Zero bytes per call on the unsampled path beyond ONNX Runtime's own (`Predictor`, telemetry on, nothing sampled)"))
    m1 = alloc(res, mon, 1)
    if m1 is not None and alloc(res, BEST, 1) is not None:
        rows.append(("(for scale) the same at 1% sampling, sampled rows' work included",
                     "1 thread: %s B/op (%s)" % (bytes_(m1), signed_bytes(m1 - alloc(res, BEST, 1))),
                     "–"))

    # 6. a sampled row costs at most 40 ns per feature, request thread and analyzer together
    row = sampled_row(records)
    t6 = "A sampled row costs ≤ 40 ns per feature (request thread + analyzer, 20 features)"
    if row["row"] is not None:
        rows.append((t6, "%.0f ns per row = **%.1f ns per feature** (request thread %.0f ns, analyzer %.0f ns, minus the window "
                     "evaluation's share below)" % (row["row"], row["row"] / ROW_FEATURES, row["request"] or float("nan"),
                                                    (row["analyzer"] or float("nan")) - row["share"]),
                     verdict(row["row"] / ROW_FEATURES <= 40)))
        rows.append(context(("(counted with it) its share of the drift window's evaluation (one 20-feature window per 1000 samples)",
                     "%.0f ns per row more: %.0f ns per row = %.1f ns per feature" % (row["share"], row["both"], row["both"] / ROW_FEATURES),
                     verdict(row["both"] / ROW_FEATURES <= 40))))
    else:
        rows.append((t6,) + pending("the monitoring suites did not run (`--no-monitor`)"))

    # 7. Fathom faster than DJL per call
    if djl is None:
        rows.append(("Fathom faster than DJL per call (p50)",) + pending("DJL not measured in this run"))
    else:
        parts, ok = [], True
        for mode in res.modes():
            for key, name in (("fathom.predictor." + mode, "`Predictor`"), ("fathom.model." + mode, "`Model.predict`")):
                v = p50(res, key)
                if v is not None:
                    parts.append("%s, %s: %s µs (%s)" % (name, MODES.get(mode, mode), us(v), ratio(v, djl)))
                    ok = ok and v < djl
        rows.append(("Fathom faster than DJL per call (p50; DJL %s µs)" % us(djl), "; ".join(parts) or "–", verdict(ok) if parts else "pending"))

    # 8. the agent: raw ONNX Runtime code, unchanged, in a JVM with the agent (1% sampled, as Fathom with monitoring)
    agent_label = "Raw ONNX Runtime instrumented by the agent (1% sampled, validation observe, drift)"
    if p50(res, AGENT_BEST) is None and thrpt(res, AGENT_BEST, 1) is None:
        rows.append((agent_label + ": same targets as Fathom with monitoring",)
                    + pending("the agent's cases did not run (`--no-agent`, or `AgentOrtBenchmark` filtered out)"))
    else:
        rows.append(within5(AGENT_BEST, agent_label + ", best path: p50 within 5% of the raw best path without the agent"))
        rows.append(beats_usual(AGENT_BEST, agent_label + ", best path: p50 beats the usual raw code without the agent"))
        u, ru = p50(res, AGENT_USUAL), usual
        if u is not None and ru is not None:
            rows.append(context((agent_label + ", usual code: p50 against the same code without the agent",
                                 "%s µs vs %s µs: %s (%s)" % (us(u), us(ru), ratio(u, ru), signed_ns(u - ru)), verdict(u / ru <= 1.05))))
        rows.append(throughput97(AGENT_BEST, agent_label + ", best path: throughput ≥ 97% of the raw best path at 1 and 2 threads"))
        rows.append(agent_alloc(res))
    rows.append(startup_target(load_startup(res_dir)))
    return rows


def agent_alloc(res):
    """Heap bytes per call of the best path under the agent against the raw best path. With 1% of rows
    sampled some calls allocate (the sampled row's copy), so the bar is Fathom's own `Predictor` with the
    same monitoring, not zero: the agent may add at most what the library adds (+ ALLOC_TOLERANCE)."""
    label = "Raw ONNX Runtime under the agent, best path: heap bytes per call beyond the raw best path, at most what Fathom's `Predictor` adds with the same monitoring (1%)"
    parts, ok, seen = [], True, False
    for t in (1, 2):
        a, b = alloc(res, AGENT_BEST, t), alloc(res, BEST, t)
        if a is None or b is None:
            continue
        seen = True
        f = alloc(res, "fathom.predictor." + MONITORED, t)
        bar = max(ALLOC_TOLERANCE, f - b + ALLOC_TOLERANCE) if f is not None else ALLOC_TOLERANCE
        text = "%d thread%s: %s B/op vs %s B/op (%s)" % (t, "s" if t > 1 else "", bytes_(a), bytes_(b), signed_bytes(a - b))
        if f is not None:
            text += ", Fathom `Predictor` at 1%%: %s" % signed_bytes(f - b)
        parts.append(text)
        ok = ok and a - b < bar
    if not seen:
        return (label,) + pending("not measured in this run")
    return (label, "; ".join(parts), verdict(ok))


def load_startup(directory):
    doc = load_json(os.path.join(directory, STARTUP_FILE)) if directory else None
    return doc if isinstance(doc, dict) and doc.get("results") else None


def java_name(entry):
    v = entry.get("java_version") or entry.get("java") or "?"
    return "Java " + v.split("+")[0]


def startup_target(doc):
    label = "Agent start-up adds ≤ 200 ms wall over a plain JVM (and peak memory, against the OpenTelemetry Java agent)"
    if doc is None:
        return (label,) + pending("the start-up measurement did not run (`--no-startup`)")
    target = (doc.get("target") or {}).get("max_ms", 200)
    parts, ok = [], True
    results = doc["results"]
    for e in results:
        if e.get("agent") != "fathom" or "added" not in e:
            continue
        otel = next((o for o in results if o.get("agent") == "otel" and o.get("java") == e.get("java") and o.get("app") == e.get("app")), None)
        text = "%s, %s: %+d ms wall, %+.1f MiB peak RSS" % (java_name(e), "hello world" if e["app"] == "hello" else "one small model",
                                                              e["added"]["wall_ms"], e["added"]["rss_mib"])
        if otel and "added" in otel:
            text += " (OpenTelemetry agent: %+d ms, %+.1f MiB)" % (otel["added"]["wall_ms"], otel["added"]["rss_mib"])
        parts.append(text)
        ok = ok and e["added"]["wall_ms"] <= target
    if not parts:
        return (label,) + pending("no Fathom agent runs in %s" % STARTUP_FILE)
    runs = doc.get("runs_per_case")
    return (label, "median of %s run%s per case; " % (runs, "" if runs == 1 else "s") + "; ".join(parts), verdict(ok))


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------

def table(lines, header, rows, numeric=True):
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join("---" if i == 0 or not numeric else "---:" for i in range(len(header))) + "|")
    for r in rows:
        lines.append("| " + " | ".join(str(c) for c in r) + " |")
    lines.append("")


def section_model(lines, res, model):
    lines.append("## %s" % MODELS.get(model, model))
    lines.append("")
    cases = res.cases(model)

    for t in res.threads("sample"):
        best = res.get(BEST, model, "sample", t)
        usual = res.get(USUAL, model, "sample", t)
        lines.append("### Latency per call, %d thread%s (µs; JMH sample mode)" % (t, "s" if t > 1 else ""))
        lines.append("")
        rows = []
        for key, label in cases:
            m = res.get(key, model, "sample", t)
            if not m:
                continue
            b50 = best.p("50.0") if best else None
            u50 = usual.p("50.0") if usual else None
            rows.append((label, us(m.p("50.0")), us(m.p("90.0")), us(m.p("99.0")), us(m.p("99.9")),
                         ratio(m.p("50.0"), b50), signed_ns(m.p("50.0") - b50 if b50 is not None else None),
                         ratio(m.p("50.0"), u50)))
        table(lines, ["case", "p50", "p90", "p99", "p99.9", "p50 vs best", "p50 − best", "p50 vs usual"], rows)

    tps = res.threads("thrpt")
    if tps:
        lines.append("### Throughput (calls per second, all threads together; JMH throughput mode)")
        lines.append("")
        lines.append("Median of the measurement iterations of every round, with the slowest and fastest "
                     "iteration relative to it in brackets.")
        lines.append("")
        per_thread_table(lines, cases, tps, ["vs best", "vs usual"], lambda key, t: res.get(key, model, "thrpt", t),
                         lambda m, b, u: [ops(m.ops) + spread(m), ratio(m.ops, b.ops if b else None), ratio(m.ops, u.ops if u else None)])

    tps = tps or res.threads("sample")
    lines.append("### Heap allocated per call (bytes; JMH `-prof gc`, `gc.alloc.rate.norm`%s)" % (
        ", throughput runs" if res.threads("thrpt") else ""))
    lines.append("")
    per_thread_table(lines, cases, tps, ["− best", "− usual"], lambda key, t: alloc(res, key, t, model),
                     lambda a, b, u: [bytes_(a), signed_bytes(a - b if b is not None else None), signed_bytes(a - u if u is not None else None)])

    ctps = [t for t in res.threads("thrpt") if any(m.cpu is not None for m in res.all if m.bm == "thrpt" and m.threads == t)]
    if ctps:
        lines.append("### CPU time per call (µs of CPU, all JVM threads; throughput runs)")
        lines.append("")
        lines.append("What a call costs in CPU wherever it runs: it hardly moves with load from other "
                     "processes, unlike wall-clock throughput, and one core serves 1 / (CPU time per call) "
                     "calls a second. Below 1.00× is cheaper.")
        lines.append("")
        per_thread_table(lines, cases, ctps, ["vs best", "vs usual"], lambda key, t: cpu(res, key, t, model),
                         lambda a, b, u: [us(a), ratio(a, b), ratio(a, u)])


def threads_label(t):
    return "%d thread%s" % (t, "s" if t > 1 else "")


def per_thread_table(lines, cases, threads, against, value, cells):
    """A table with, per thread count, a case's figure and its comparison with the best path and the
    usual code: value(key, threads) gives the figure (None when not measured), cells(figure, best,
    usual) the three cells. Cases measured at no thread count are left out."""
    header = ["case"]
    for t in threads:
        header += [threads_label(t)] + against
    rows = []
    for key, label in cases:
        row, any_ = [label], False
        for t in threads:
            m = value(key, t)
            if m is None:
                row += ["–", "–", "–"]
                continue
            any_ = True
            row += cells(m, value(BEST, t), value(USUAL, t))
        if any_:
            rows.append(row)
    if rows:
        table(lines, header, rows)


def section_monitoring(lines, records):
    """The monitoring suites: a sampled row, a drift window, the hooks of one call."""
    if not records:
        return
    lines.append("## Monitoring costs (JMH average time; CPU work on one thread)")
    lines.append("")
    lines.append("Measured on monitoring's own entry points with a real OpenTelemetry SDK and a reference profile built by "
                 "the runtime's profile builder (see `benchmarks/README.md`). Median of the measurement iterations, with "
                 "the lowest and highest in brackets.")
    lines.append("")

    def fmt(v, spread=None, unit="ns"):
        if v is None:
            return "–"
        text = ("%.0f" % v) if unit == "ns" else ("%.1f" % (v / 1000.0))
        if spread:
            lo, hi = spread
            text += " [%s–%s]" % (("%.0f" % lo, "%.0f" % hi) if unit == "ns" else ("%.1f" % (lo / 1000.0), "%.1f" % (hi / 1000.0)))
        return text

    row = sampled_row(records)
    if row["both"] is not None or row["request"] is not None:
        lines.append("### One sampled row, %d features (every row sampled; validation observe; windows of %d samples)" % (ROW_FEATURES, WINDOW_SAMPLES))
        lines.append("")
        rows = []
        for short, label in (("SampledRowBenchmark.requestThread", "request thread: draw, cap, copy into the hand-off"),
                             ("SampledRowBenchmark.analyzer", "analyzer: validation, window, bin counts, outcome hold, window closes"),
                             ("SampledRowBenchmark.requestAndAnalyzer", "both, back to back on one thread")):
            v = monitor_value(records, short, features=ROW_FEATURES)
            a = monitor_value(records, short, "gc.alloc.rate.norm", features=ROW_FEATURES)
            rows.append((label, fmt(v, monitor_spread(records, short, features=ROW_FEATURES)), "%.1f" % (v / ROW_FEATURES) if v else "–",
                         bytes_(a)))
        if row["share"] is not None:
            rows.append(("of which the window evaluation's share (closing a %d-feature window, per sample)" % ROW_FEATURES,
                         "%.0f" % row["share"], "%.1f" % (row["share"] / ROW_FEATURES), "–"))
            rows.append(("the row itself (both minus that share)", "%.0f" % row["row"], "**%.1f**" % (row["row"] / ROW_FEATURES), "–"))
        table(lines, ["part", "ns per row", "ns per feature", "B per row"], rows)

    wins = []
    for features in (20, 100):
        for short, label in (("DriftWindowBenchmark.closeWindow", "closing a window (evaluate, publish the scores, severities)"),
                             ("DriftWindowBenchmark.evaluate", "`DriftEngine.evaluate` alone")):
            v = monitor_value(records, short, features=features)
            if v is None:
                continue
            a = monitor_value(records, short, "gc.alloc.rate.norm", features=features)
            columns = features + 1  # and the prediction
            wins.append(("%d features (+ the prediction): %s" % (features, label), fmt(v, monitor_spread(records, short, features=features), "us"),
                         "%.1f" % (v / 1000.0 / columns), "%.1f" % (v / WINDOW_SAMPLES / columns), "%.1f" % (a / 1024.0) if a is not None else "–"))
    if wins:
        lines.append("### One drift window of %d samples" % WINDOW_SAMPLES)
        lines.append("")
        table(lines, ["case", "µs per window", "µs per column", "ns per column and sample", "KiB per window"], wins)

    hooks = []
    base = monitor_value(records, "ObserverBenchmark.observedCall", mode="off")
    for mode in MODE_ORDER:
        v = monitor_value(records, "ObserverBenchmark.observedCall", mode=mode)
        if v is None:
            continue
        a = monitor_value(records, "ObserverBenchmark.observedCall", "gc.alloc.rate.norm", mode=mode)
        hooks.append(("Fathom, " + MODES.get(mode, mode), fmt(v, monitor_spread(records, "ObserverBenchmark.observedCall", mode=mode)),
                      signed_ns(v - base) if base is not None else "–", "%.2f" % a if a is not None else "–"))
    if hooks:
        lines.append("### What monitoring adds to one call on the request thread (tiny model's observer: `start()` + `succeeded()`)")
        lines.append("")
        lines.append("The benchmark moves a one-row call view to its next row (about 10 ns, the whole of mode *off*) and calls the "
                     "hooks Fathom calls around an inference; the difference to *off* is what every call pays.")
        lines.append("")
        table(lines, ["mode", "ns per call", "added over off", "B per call"], hooks)


ACTIVITY = re.compile(r"fathom-bench: mode (\S+): (\d+) calls timed, (\d+) rows sampled, dropped (\d+) over the cap and (\d+) with the hand-off full; "
                      r"reference: (.*?); (.*?)(?:; analyzer thread CPU ([0-9.]+) ms, [0-9.]+ µs per sampled row)?$")


def activity(directory):
    """What monitoring did in each trial of the throughput runs at one thread (from the JMH logs):
    (model, mode, method) -> [calls, sampled, rate-limited, queue full, reference, last window]."""
    out = {}
    for path in sorted(glob.glob(os.path.join(directory, "throughput-t1.*.log"))):
        bench, params = None, {}
        for line in read(path).splitlines():
            if line.startswith("# Benchmark: "):
                bench = line.split()[-1].split(".")[-1]
            elif line.startswith("# Parameters: "):
                params = dict(kv.strip().split(" = ") for kv in line[len("# Parameters: ("):-1].split(","))
            else:
                m = ACTIVITY.search(line)
                if m and bench:
                    key = (params.get("model"), m.group(1), bench)
                    acc = out.setdefault(key, [0, 0, 0, 0, m.group(6), m.group(7), 0.0])
                    for i in range(4):
                        acc[i] += int(m.group(2 + i))
                    acc[5] = m.group(7)
                    acc[6] += float(m.group(8) or 0)
    return out


def section_activity(lines, directory):
    act = activity(directory)
    if not act:
        return
    lines.append("## What monitoring did during the throughput runs (1 thread, all rounds)")
    lines.append("")
    lines.append("Counted by Fathom's own metrics, read once at the end of each trial (the metric reader does not collect "
                 "during measurement; the agent's, from its Prometheus endpoint, scraped at the end of each trial). Drops over the cap are the per-second sampling cap at work (1000 rows a second by "
                 "default; lifted in the 100% mode); drops with the hand-off full are rows the analyzer thread could not take "
                 "in time, counted and never waited for.")
    lines.append("")
    rows = []
    for (model, mode, bench) in sorted(act, key=lambda k: (list(MODELS).index(k[0]) if k[0] in MODELS else 9, MODE_ORDER.index(k[1]) if k[1] in MODE_ORDER else 9, k[2])):
        calls, sampled, capped, full, reference, window, cpu_ms = act[(model, mode, bench)]
        per_row = "%.2f" % (cpu_ms * 1000.0 / sampled) if sampled and cpu_ms else "–"
        rows.append(("%s, `%s`, %s" % (model, ("AgentOrtBenchmark." + bench) if mode == "agent" else bench, MODES.get(mode, mode)), "{:,}".format(calls), "{:,}".format(sampled),
                     "{:,}".format(capped), "{:,}".format(full), per_row, window.replace("last drift window: ", "")))
    table(lines, ["case", "calls timed", "rows sampled", "dropped: cap", "dropped: hand-off full",
                  "analyzer CPU per sampled row (µs, idle wake-ups included)", "last drift window"], rows, numeric=False)


def section_startup(lines, doc):
    """agent-startup.sh's table: whole JVMs, plain, with Fathom's agent, with the OpenTelemetry agent."""
    if doc is None:
        return
    m = doc.get("machine") or {}
    lines.append("## Agent start-up (whole JVMs; median of %s run%s per case)" % (doc.get("runs_per_case"), "" if doc.get("runs_per_case") == 1 else "s"))
    lines.append("")
    lines.append("`benchmarks/agent-startup.sh`: wall time, CPU time and peak RSS of a hello-world JVM and of a JVM that loads "
                 "`mlp16.onnx` and runs it once with ONNX Runtime directly, each without an agent, with Fathom's agent (empty "
                 "registry, Prometheus on an ephemeral port) and with the OpenTelemetry Java agent 2.31.1 (exporters off). Runs "
                 "are interleaved; load average %s before, %s after, %s CPUs. Target: Fathom adds at most %s ms wall." % (
                     " ".join(str(x) for x in m.get("load_average_before", [])) or "?",
                     " ".join(str(x) for x in m.get("load_average_after", [])) or "?", m.get("cpus", "?"),
                     "%.0f" % (doc.get("target") or {}).get("max_ms", 200)))
    lines.append("")
    rows = []
    target = (doc.get("target") or {}).get("max_ms", 200)
    for e in doc["results"]:
        med, add = e["median"], e.get("added")
        agent = {"none": "none", "fathom": "Fathom", "otel": "OpenTelemetry 2.31.1"}.get(e.get("agent"), e.get("agent"))
        wall = ""
        if add:
            wall = "%+d ms" % add["wall_ms"]
            if e.get("agent") == "fathom":
                wall += " (≤ %.0f: %s)" % (target, "met" if add["wall_ms"] <= target else "missed")
        rows.append((java_name(e), "hello world" if e.get("app") == "hello" else "one small model", agent,
                     "%.3f" % med["wall_s"], wall, "%.2f" % med["cpu_s"], "%+d ms" % add["cpu_ms"] if add else "",
                     "%.1f" % med["rss_mib"], "%+.1f" % add["rss_mib"] if add else ""))
    table(lines, ["Java", "JVM", "agent", "wall s", "added", "CPU s", "added", "peak RSS MiB", "added"], rows)


def cores_line(res):
    parts = []
    for bm, name in (("sample", "latency"), ("thrpt", "throughput")):
        for t in res.threads(bm):
            v = median(sorted(c for m in res.all if m.bm == bm and m.threads == t for c in m._iterations("cpu.cores")))
            if v is not None:
                parts.append("%s at %d thread%s: %.2f cores" % (name, t, "s" if t > 1 else "", v))
    return "; ".join(parts)


def settings_line(res, run):
    s = (run or {}).get("settings", {})
    # the JVM options of a case without the agent (the agent's cases add -javaagent, said below)
    plain = [m.raw for m in res.all if not any(a.startswith("-javaagent") for a in m.raw.get("jvmArgs", []))]
    any_ = plain[0] if plain else (res.all[0].raw if res.all else {})
    agent = next((a for m in res.all for a in m.raw.get("jvmArgs", []) if a.startswith("-javaagent")), None)
    return ("%s round(s) over the whole suite, %s fork(s) per case and round, warm-up %s × %s, measurement %s × %s per fork; "
            "latency at %s thread(s), throughput at %s thread(s); `-prof gc` and `-prof dev.fathom.bench.CpuProfiler` on every run; JVM options %s" % (
                s.get("rounds", "1"), any_.get("forks", s.get("forks")), any_.get("warmupIterations", s.get("warmup_iterations")),
                any_.get("warmupTime", s.get("warmup_time")), any_.get("measurementIterations", s.get("iterations")),
                any_.get("measurementTime", s.get("iteration_time")), s.get("latency_threads", "?"),
                s.get("throughput_threads", "?"), " ".join("`%s`" % a for a in any_.get("jvmArgs", [])) or "default")
            + ("; the agent's cases also `%s`" % re.sub(r"registry=[^,]*", "registry=<temporary>", agent) if agent else ""))


def loads_of(directory):
    loads = []
    for line in read(os.path.join(directory, "load.txt")).splitlines():
        parts = line.split()
        if len(parts) >= 2:
            try:
                loads.append(float(parts[1]))
            except ValueError:
                pass
    return loads


def load_range(directory):
    loads = loads_of(directory)
    if not loads:
        return "unknown"
    return "%.1f to %.1f (median %.1f)" % (min(loads), max(loads), median(sorted(loads)))


def report(args):
    res = Results(load_results(args.results))
    if not res.all:
        sys.exit("report.py: no JMH results (*.json) in " + args.results)
    run = load_json(os.path.join(args.results, "run.json")) or {}
    mach = run.get("machine", {})
    ver = mach.get("versions", {})
    quick = str(run.get("settings", {}).get("quick", "0")) == "1"
    lines = []
    lines.append("# Fathom benchmark report")
    lines.append("")
    lines.append("Generated by `benchmarks/run.sh%s` from the run started %s (%s), commit %s. "
                 "Regenerate with `benchmarks/run.sh`; see `benchmarks/README.md` for what each case does." % (
                     " --quick" if quick else "", run.get("started", "?"),
                     ("%.1f minutes" % (run["seconds"] / 60.0)) if run.get("seconds") else "duration unknown",
                     mach.get("commit", "?")))
    lines.append("")
    loads, cores = loads_of(args.results), mach.get("cores") or 0
    if loads and cores and max(loads) > cores:
        lines.append("> **Busy machine**: the 1-minute load average reached %.1f on %d cores during this run "
                     "(other sessions were building and testing). Throughput figures and tails are disturbed by "
                     "that; p50 latencies and bytes per call are the figures to trust. Rounds spread the disturbance "
                     "over all cases, but a throughput ratio can still be off by about the spread shown next to it."
                     % (max(loads), cores))
        lines.append("")
    if quick:
        lines.append("> **Quick run**: short warm-up and measurement to check that the suite works. "
                     "Its numbers are indicative only; quote the full run.")
        lines.append("")
    lines.append("Ratios compare each case with **raw ONNX Runtime's best path** (reused direct input buffer, "
                 "pinned output) and with the **usual raw code** (`float[][]` in, `getValue()` out), both measured in "
                 "this same run on the same model. Latency ratios below 1.00× are faster; throughput ratios above "
                 "1.00× are faster. Latency percentiles come from JMH's sample mode on one calling thread; the mean "
                 "is left out because on a shared machine a few long pauses dominate it.")
    lines.append("")

    lines.append("## Machine and settings")
    lines.append("")
    load = "1-minute load average %s at the start of each JMH invocation (the machine has %s cores)" % (
        load_range(args.results), mach.get("cores", "?"))
    table(lines, ["", ""], [
        ("CPU", "%s, %s cores visible" % (mach.get("cpu", "?"), mach.get("cores", "?"))),
        ("memory", "%s GiB" % mach.get("memory_gib", "?")),
        ("OS", mach.get("os", "?")),
        ("JDK", "%s (%s)" % (ver.get("java", "?"), ver.get("vm", "?"))),
        ("ONNX Runtime", "%s (Java API; one session per model, options as Fathom's defaults: all optimizations, "
                         "1 intra-op and 1 inter-op thread, sequential, no spinning)" % ver.get("onnxruntime", "?")),
        ("DJL", "%s, ONNX Runtime engine, on the same ONNX Runtime" % ver.get("djl", "?")),
        ("Fathom", "%s; modes: off (telemetry and monitoring disabled), latency (telemetry only), sampled-1pct "
                   "(`MonitoringOptions.defaults()`), sampled-100pct-drift (every row sampled, no per-second cap); "
                   "OpenTelemetry SDK %s with an in-memory metric reader" % (ver.get("fathom", "?"), ver.get("opentelemetry", "?"))),
        ("JMH", "%s; %s" % (ver.get("jmh", "?"), settings_line(res, run))),
        ("load average", load),
        ("CPU the benchmark got", (cores_line(res) or "not measured") +
         " (median over iterations; on an idle machine about 1 core per benchmark thread)"),
    ], numeric=False)
    lines.append("The machine is shared: other builds and tests may run on its two cores during the "
                 "run (the load average above shows how busy it was). That widens tails (p99 and beyond) "
                 "and disturbs throughput most; p50 latency and bytes per call hold up best.")
    lines.append("")

    lines.append("## Targets (issue 5; tiny model, this machine)")
    lines.append("")
    lines.append("\"With monitoring\" is mode `sampled-1pct`: telemetry through a real OpenTelemetry SDK, 1% of rows "
                 "sampled (capped at 1000 a second), validation observe, drift against the published reference profile. "
                 "The agent's rows run the raw ONNX Runtime code unchanged in JVMs started with `-javaagent:fathom-agent.jar` "
                 "(its defaults, which are the same monitoring: 1% sampled, validation observe, drift against the profile "
                 "published with the model, which the agent finds by the model file's sha256; Prometheus on an ephemeral port). "
                 "Rows in parentheses give context and are not targets. *Pending* rows need parts that did not run.")
    lines.append("")
    records = monitor_records(args.results)
    table(lines, ["target", "measured", "status"], targets(res, records, args.results), numeric=False)

    for model in res.models():
        section_model(lines, res, model)

    section_monitoring(lines, records)
    section_activity(lines, args.results)
    section_startup(lines, load_startup(args.results))

    notes = read(os.path.join(HERE, "report-notes.md")).strip()
    if notes:
        lines.append(notes)
        lines.append("")

    out = "\n".join(lines).rstrip() + "\n"
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("describe")
    d.add_argument("--results", required=True)
    d.add_argument("--jar", required=True)
    d.add_argument("--java", default="java")
    d.add_argument("--set", action="append", default=[])
    f = sub.add_parser("finish")
    f.add_argument("--results", required=True)
    f.add_argument("--seconds", type=int, required=True)
    r = sub.add_parser("report")
    r.add_argument("--results", required=True)
    r.add_argument("--out", default=os.path.join(HERE, "REPORT.md"))
    args = ap.parse_args()
    {"describe": describe, "finish": finish, "report": report}[args.command](args)


if __name__ == "__main__":
    main()
