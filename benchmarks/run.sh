#!/usr/bin/env bash
# Runs Fathom's benchmark suite and writes the report. See benchmarks/README.md.
#
#   benchmarks/run.sh            full run (17 minutes on 2 cores last time), writes benchmarks/REPORT.md
#   benchmarks/run.sh --quick    a few minutes, to check the suite works; writes the report
#                                into the results directory only, never over benchmarks/REPORT.md
#
# Options:
#   --quick              short warm-up and measurement (numbers are indicative only)
#   --filter REGEX       run only the latency/throughput benchmarks whose name matches (JMH's regex),
#                        e.g. 'Fathom|best'
#   --models LIST        comma-separated models to run: tiny,medium (default both)
#   --no-monitor         skip the monitoring suites (sampled row, drift window, observer hooks)
#   --no-agent           skip raw ONNX Runtime under the Fathom agent (AgentOrtBenchmark)
#   --no-startup         skip the agent start-up measurement (agent-startup.sh)
#   --rebuild            rebuild benchmarks.jar even if it looks up to date
#   --no-build           never build; fail if the jar is missing
#   --results DIR        where the JSON results go (default benchmarks/results/<UTC time>[-quick])
#   --report FILE        where the report goes
#
# Run options are variables, so any of them can be changed from the environment:
#   ROUNDS (passes over the latency/throughput suite, default 2; quick 1), FORKS (per case and
#   round, default 1), WARMUP_ITERATIONS, WARMUP_TIME, ITERATIONS, ITERATION_TIME,
#   LATENCY_THREADS (default "1"), THROUGHPUT_THREADS (default "1 2"),
#   MULTI_THREAD_FILTER (the cases run at more than one thread: raw best and usual, Fathom's
#   Predictor), MULTI_THREAD_PARAMS (their parameters: the tiny model, modes off and sampled-1pct),
#   MULTI_THREAD_ITERATIONS (their measurement iterations, default twice ITERATIONS),
#   MONITOR_FILTER (the monitoring suites), AGENT_FILTER, AGENT_THROUGHPUT_FILTER and
#   AGENT_MULTI_THREAD_FILTER (the cases run under the agent: latency, throughput at one thread and
#   at more; AGENT_PARAMS their parameters, default the tiny model), STARTUP_RUNS (agent-startup.sh
#   runs per case, default 3; quick 1), JAVA (default java),
#   JMH_LOCK_WAIT (seconds to wait for another JMH run on this machine to finish, default 1200)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/benchmarks"
JAR="$BENCH/target/benchmarks.jar"
AGENT_JAR="$ROOT/agent/target/fathom-agent.jar"
JAVA="${JAVA:-java}"
PYTHON="${PYTHON:-python3}"

usage() { sed -n '2,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

QUICK=0
BUILD=auto
FILTER='dev\.fathom\.bench\..*'
MODELS=tiny,medium
MONITOR=1
AGENT=1
STARTUP=1
RESULTS=""
REPORT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --filter) FILTER="$2"; shift ;;
    --models) MODELS="$2"; shift ;;
    --no-monitor) MONITOR=0 ;;
    --no-agent) AGENT=0 ;;
    --no-startup) STARTUP=0 ;;
    --rebuild) BUILD=always ;;
    --no-build) BUILD=never ;;
    --results) RESULTS="$2"; shift ;;
    --report) REPORT="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

# A round runs every case once; rounds rather than consecutive forks, so that load from other
# processes on a shared machine spreads over all cases instead of landing on one.
# Time budget (2 cores): a case costs its warm-up and measurement plus about 2 s of JVM start and
# model load. 2 rounds x (24 latency + 24 one-thread + 4 two-thread cases) x about 8.5 s, plus the
# monitoring suites once (10 cases), the agent's cases (2 latency, 1 + 1 throughput per round,
# tiny model) and its start-up (3 runs): 17.2 minutes in the last full run.
if [ "$QUICK" = 1 ]; then
  : "${ROUNDS:=1}" "${FORKS:=1}" "${WARMUP_ITERATIONS:=1}" "${WARMUP_TIME:=500ms}" "${ITERATIONS:=2}" "${ITERATION_TIME:=500ms}"
  : "${STARTUP_RUNS:=1}"
else
  : "${ROUNDS:=2}" "${FORKS:=1}" "${WARMUP_ITERATIONS:=4}" "${WARMUP_TIME:=1s}" "${ITERATIONS:=3}" "${ITERATION_TIME:=1s}"
  : "${STARTUP_RUNS:=3}"
fi
: "${LATENCY_THREADS:=1}" "${THROUGHPUT_THREADS:=1 2}"
# Two threads on two cores leave none for the harness or the analyzer; those figures are the noisiest,
# so only the cases the throughput target compares run at more than one thread.
: "${MULTI_THREAD_FILTER:=dev\.fathom\.bench\.(RawOrtBenchmark\.(best|usual)|FathomBenchmark\.predictor)$}"
: "${MULTI_THREAD_PARAMS:=-p model=tiny -p mode=off,sampled-1pct}"
# The two-thread figures spread most, and there are only four such cases: give them more iterations.
: "${MULTI_THREAD_ITERATIONS:=$(( ITERATIONS * 2 ))}"
: "${MONITOR_FILTER:=dev\.fathom\.internal\.monitor\..*Benchmark\..*}"
# Raw ONNX Runtime under the agent runs in JVMs of its own (-javaagent); every other invocation
# excludes it. The usual code only for latency (its p50 against the raw usual code); the best path,
# which the targets compare with raw best, at one and two threads.
: "${AGENT_FILTER:=dev\.fathom\.bench\.AgentOrtBenchmark\.(best|usual)$}"
: "${AGENT_THROUGHPUT_FILTER:=dev\.fathom\.bench\.AgentOrtBenchmark\.best$}"
: "${AGENT_MULTI_THREAD_FILTER:=dev\.fathom\.bench\.AgentOrtBenchmark\.best$}"
: "${AGENT_PARAMS:=-p model=tiny}"
AGENT_EXCLUDE='AgentOrtBenchmark'

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
if [ -z "$RESULTS" ]; then
  RESULTS="$BENCH/results/$STAMP$([ "$QUICK" = 1 ] && echo -quick || true)"
fi
if [ -z "$REPORT" ]; then
  if [ "$QUICK" = 1 ]; then REPORT="$RESULTS/REPORT.md"; else REPORT="$BENCH/REPORT.md"; fi
fi
mkdir -p "$RESULTS"

# 1. Build the uber jar (and the agent jar, when the agent runs) when missing or older than their code.
stale() { # jar, sources...
  local jar="$1"; shift
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$@" -newer "$jar" -print -quit 2>/dev/null)" ]
}
MODULES=()
if [ "$BUILD" = always ] || { [ "$BUILD" = auto ] && stale "$JAR" "$ROOT/pom.xml" "$ROOT/runtime/pom.xml" "$ROOT/runtime/src/main" "$BENCH/pom.xml" "$BENCH/src/main"; }; then
  MODULES+=(benchmarks)
fi
if [ "$AGENT" = 1 ] || [ "$STARTUP" = 1 ]; then
  if [ "$BUILD" = always ] || { [ "$BUILD" = auto ] && stale "$AGENT_JAR" "$ROOT/pom.xml" "$ROOT/runtime/pom.xml" "$ROOT/runtime/src/main" "$ROOT/agent/pom.xml" "$ROOT/agent/src/main"; }; then
    MODULES+=(agent)
  fi
fi
if [ ${#MODULES[@]} -gt 0 ]; then
  echo "run.sh: building ${MODULES[*]}"
  (cd "$ROOT" && mvn -q -pl "$(IFS=,; echo "${MODULES[*]}")" -am package -DskipTests)
fi
[ -f "$JAR" ] || { echo "run.sh: $JAR is missing; run without --no-build" >&2; exit 1; }
if [ "$AGENT" = 1 ] || [ "$STARTUP" = 1 ]; then
  [ -f "$AGENT_JAR" ] || { echo "run.sh: $AGENT_JAR is missing; run without --no-build, or with --no-agent --no-startup" >&2; exit 1; }
fi

# 2. Record the machine, versions and settings before measuring.
"$PYTHON" "$BENCH/report.py" describe --results "$RESULTS" --jar "$JAR" --java "$JAVA" \
  --set quick="$QUICK" --set rounds="$ROUNDS" --set forks="$FORKS" --set warmup_iterations="$WARMUP_ITERATIONS" \
  --set warmup_time="$WARMUP_TIME" --set iterations="$ITERATIONS" --set iteration_time="$ITERATION_TIME" \
  --set latency_threads="$LATENCY_THREADS" --set throughput_threads="$THROUGHPUT_THREADS" \
  --set multi_thread_filter="$MULTI_THREAD_FILTER" --set multi_thread_params="$MULTI_THREAD_PARAMS" \
  --set filter="$FILTER" --set models="$MODELS" --set monitor="$MONITOR" --set agent="$AGENT" --set startup="$STARTUP" \
  --set agent_params="$AGENT_PARAMS" --set startup_runs="$STARTUP_RUNS"

# The agent's registry: the benchmark models published as bench-tiny and bench-medium with reference
# profiles; the agent identifies the benchmark's own session by the model file's sha256. The agent's
# Prometheus endpoint takes an ephemeral port (no fixed port bound); AgentMetrics finds it. Everything
# else is the agent's defaults: 1% sampling capped at 1000 rows a second, validation observe, drift
# windows of 1000 samples or 60 s, as Fathom's sampled-1pct mode.
if [ "$AGENT" = 1 ]; then
  AGENT_DIR="$(mktemp -d "${TMPDIR:-/tmp}/fathom-bench-agent-XXXXXX")"
  trap 'rm -rf "$AGENT_DIR"' EXIT
  "$JAVA" -cp "$JAR" dev.fathom.bench.BenchRegistry agent-registry "$AGENT_DIR" > /dev/null
  AGENT_ARGS="-javaagent:$AGENT_JAR=registry=$AGENT_DIR/registry,prometheus.port=0"
fi

# 3. Run JMH: latency (sample mode, percentiles) and throughput, each at its thread counts, with
#    the allocation profiler and CPU time per call (CpuProfiler) on every run. The medium model is
#    generated inside each benchmark JVM.
# JMH allows one run per machine at a time (/tmp/jmh.lock); on a shared machine another session may
# hold it, so wait for it (JMH_LOCK_WAIT seconds, default 1200) instead of failing at once.
jmh() { # name, filter, extra JMH options...
  local name="$1" filter="$2"; shift 2
  local waited=0
  echo "run.sh: $name"
  while :; do
    echo "$name $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS/load.txt"
    if "$JAVA" -jar "$JAR" "$filter" -f "$FORKS" \
        -wi "$WARMUP_ITERATIONS" -w "$WARMUP_TIME" -i "$ITERATIONS" -r "$ITERATION_TIME" \
        -prof gc -prof dev.fathom.bench.CpuProfiler -rf json -rff "$RESULTS/$name.json" "$@" \
        > "$RESULTS/$name.log" 2>&1; then
      break
    fi
    if grep -q "Unable to acquire the JMH lock" "$RESULTS/$name.log" && [ "$waited" -lt "${JMH_LOCK_WAIT:-1200}" ]; then
      [ "$waited" = 0 ] && echo "run.sh: another JMH run holds /tmp/jmh.lock; waiting for it"
      sleep 15; waited=$((waited + 15))
      sed -i '$d' "$RESULTS/load.txt"
      continue
    fi
    echo "run.sh: JMH failed; see $RESULTS/$name.log" >&2; tail -30 "$RESULTS/$name.log" >&2; exit 1
  done
  grep -E '^# Run complete' "$RESULTS/$name.log" || true
}
# The agent's cases (their own JVMs, started with -javaagent), unless --no-agent.
agent_jmh() { # name, filter, extra JMH options...
  [ "$AGENT" = 1 ] || return 0
  local name="$1" filter="$2"; shift 2
  # shellcheck disable=SC2086
  jmh "$name" "$filter" $AGENT_PARAMS -jvmArgsPrepend "$AGENT_ARGS" "$@"
}
START=$(date +%s)
for r in $(seq 1 "$ROUNDS"); do
  for t in $LATENCY_THREADS; do
    if [ "$t" = 1 ]; then
      jmh "latency-t$t.r$r" "$FILTER" -e "$AGENT_EXCLUDE" -p model="$MODELS" -bm sample -tu ns -t "$t"
      agent_jmh "latency-t$t.agent.r$r" "$AGENT_FILTER" -bm sample -tu ns -t "$t"
    else
      # shellcheck disable=SC2086
      jmh "latency-t$t.r$r" "$MULTI_THREAD_FILTER" -e "$AGENT_EXCLUDE" $MULTI_THREAD_PARAMS -bm sample -tu ns -t "$t"
    fi
  done
  for t in $THROUGHPUT_THREADS; do
    if [ "$t" = 1 ]; then
      jmh "throughput-t$t.r$r" "$FILTER" -e "$AGENT_EXCLUDE" -p model="$MODELS" -bm thrpt -tu s -t "$t"
      agent_jmh "throughput-t$t.agent.r$r" "$AGENT_THROUGHPUT_FILTER" -bm thrpt -tu s -t "$t"
    else
      # shellcheck disable=SC2086
      ITERATIONS=$MULTI_THREAD_ITERATIONS jmh "throughput-t$t.r$r" "$MULTI_THREAD_FILTER" -e "$AGENT_EXCLUDE" $MULTI_THREAD_PARAMS -bm thrpt -tu s -t "$t"
      ITERATIONS=$MULTI_THREAD_ITERATIONS agent_jmh "throughput-t$t.agent.r$r" "$AGENT_MULTI_THREAD_FILTER" -bm thrpt -tu s -t "$t"
    fi
  done
done
# The monitoring suites (their own modes: average time per sampled row, per window, per call's
# hooks), once: they measure CPU work with little variance between rounds.
if [ "$MONITOR" = 1 ]; then
  ITERATIONS=$(( ITERATIONS + 2 )) jmh "monitor" "$MONITOR_FILTER"
fi
# The agent's start-up: whole JVMs, plain, with Fathom's agent and with the OpenTelemetry Java agent
# (agent-startup.sh; its JSON goes into the results and the report).
if [ "$STARTUP" = 1 ]; then
  echo "run.sh: agent start-up ($STARTUP_RUNS runs per case)"
  echo "agent-startup $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS/load.txt"
  AGENT="$AGENT_JAR" OUT="$RESULTS/agent-startup.json" "$BENCH/agent-startup.sh" "$STARTUP_RUNS" > "$RESULTS/agent-startup.log" 2>&1 \
    || { echo "run.sh: agent-startup.sh failed; see $RESULTS/agent-startup.log" >&2; tail -20 "$RESULTS/agent-startup.log" >&2; exit 1; }
fi
"$PYTHON" "$BENCH/report.py" finish --results "$RESULTS" --seconds "$(( $(date +%s) - START ))"

# 4. The report.
"$PYTHON" "$BENCH/report.py" report --results "$RESULTS" --out "$REPORT"
echo "run.sh: results in $RESULTS"
echo "run.sh: report in $REPORT"
