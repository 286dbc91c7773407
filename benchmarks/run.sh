#!/usr/bin/env bash
# Runs Fathom's benchmark suite and writes the report. See benchmarks/README.md.
#
#   benchmarks/run.sh            full run (about 18 minutes on 2 cores), writes benchmarks/REPORT.md
#   benchmarks/run.sh --quick    a few minutes, to check the suite works; writes the report
#                                into the results directory only, never over benchmarks/REPORT.md
#
# Options:
#   --quick              short warm-up and measurement (numbers are indicative only)
#   --filter REGEX       run only the latency/throughput benchmarks whose name matches (JMH's regex),
#                        e.g. 'Fathom|best'
#   --models LIST        comma-separated models to run: tiny,medium (default both)
#   --no-monitor         skip the monitoring suites (sampled row, drift window, observer hooks)
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
#   MONITOR_FILTER (the monitoring suites), JAVA (default java),
#   JMH_LOCK_WAIT (seconds to wait for another JMH run on this machine to finish, default 1200)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/benchmarks"
JAR="$BENCH/target/benchmarks.jar"
JAVA="${JAVA:-java}"
PYTHON="${PYTHON:-python3}"

usage() { sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

QUICK=0
BUILD=auto
FILTER='dev\.fathom\.bench\..*'
MODELS=tiny,medium
MONITOR=1
RESULTS=""
REPORT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --filter) FILTER="$2"; shift ;;
    --models) MODELS="$2"; shift ;;
    --no-monitor) MONITOR=0 ;;
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
# monitoring suites once (10 cases), is about 17 minutes.
if [ "$QUICK" = 1 ]; then
  : "${ROUNDS:=1}" "${FORKS:=1}" "${WARMUP_ITERATIONS:=1}" "${WARMUP_TIME:=500ms}" "${ITERATIONS:=2}" "${ITERATION_TIME:=500ms}"
else
  : "${ROUNDS:=2}" "${FORKS:=1}" "${WARMUP_ITERATIONS:=4}" "${WARMUP_TIME:=1s}" "${ITERATIONS:=3}" "${ITERATION_TIME:=1s}"
fi
: "${LATENCY_THREADS:=1}" "${THROUGHPUT_THREADS:=1 2}"
# Two threads on two cores leave none for the harness or the analyzer; those figures are the noisiest,
# so only the cases the throughput target compares run at more than one thread.
: "${MULTI_THREAD_FILTER:=dev\.fathom\.bench\.(RawOrtBenchmark\.(best|usual)|FathomBenchmark\.predictor)$}"
: "${MULTI_THREAD_PARAMS:=-p model=tiny -p mode=off,sampled-1pct}"
# The two-thread figures spread most, and there are only four such cases: give them more iterations.
: "${MULTI_THREAD_ITERATIONS:=$(( ITERATIONS * 2 ))}"
: "${MONITOR_FILTER:=dev\.fathom\.internal\.monitor\..*Benchmark\..*}"

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
if [ -z "$RESULTS" ]; then
  RESULTS="$BENCH/results/$STAMP$([ "$QUICK" = 1 ] && echo -quick || true)"
fi
if [ -z "$REPORT" ]; then
  if [ "$QUICK" = 1 ]; then REPORT="$RESULTS/REPORT.md"; else REPORT="$BENCH/REPORT.md"; fi
fi
mkdir -p "$RESULTS"

# 1. Build the uber jar when it is missing or older than the code it packs.
stale() {
  [ ! -f "$JAR" ] && return 0
  [ -n "$(find "$ROOT/pom.xml" "$ROOT/runtime/pom.xml" "$ROOT/runtime/src/main" "$BENCH/pom.xml" "$BENCH/src/main" \
    -newer "$JAR" -print -quit 2>/dev/null)" ]
}
if [ "$BUILD" = always ] || { [ "$BUILD" = auto ] && stale; }; then
  echo "run.sh: building $JAR"
  (cd "$ROOT" && mvn -q -pl benchmarks -am package -DskipTests)
fi
[ -f "$JAR" ] || { echo "run.sh: $JAR is missing; run without --no-build" >&2; exit 1; }

# 2. Record the machine, versions and settings before measuring.
"$PYTHON" "$BENCH/report.py" describe --results "$RESULTS" --jar "$JAR" --java "$JAVA" \
  --set quick="$QUICK" --set rounds="$ROUNDS" --set forks="$FORKS" --set warmup_iterations="$WARMUP_ITERATIONS" \
  --set warmup_time="$WARMUP_TIME" --set iterations="$ITERATIONS" --set iteration_time="$ITERATION_TIME" \
  --set latency_threads="$LATENCY_THREADS" --set throughput_threads="$THROUGHPUT_THREADS" \
  --set multi_thread_filter="$MULTI_THREAD_FILTER" --set multi_thread_params="$MULTI_THREAD_PARAMS" \
  --set filter="$FILTER" --set models="$MODELS" --set monitor="$MONITOR"

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
START=$(date +%s)
for r in $(seq 1 "$ROUNDS"); do
  for t in $LATENCY_THREADS; do
    if [ "$t" = 1 ]; then
      jmh "latency-t$t.r$r" "$FILTER" -p model="$MODELS" -bm sample -tu ns -t "$t"
    else
      # shellcheck disable=SC2086
      jmh "latency-t$t.r$r" "$MULTI_THREAD_FILTER" $MULTI_THREAD_PARAMS -bm sample -tu ns -t "$t"
    fi
  done
  for t in $THROUGHPUT_THREADS; do
    if [ "$t" = 1 ]; then
      jmh "throughput-t$t.r$r" "$FILTER" -p model="$MODELS" -bm thrpt -tu s -t "$t"
    else
      # shellcheck disable=SC2086
      ITERATIONS=$MULTI_THREAD_ITERATIONS jmh "throughput-t$t.r$r" "$MULTI_THREAD_FILTER" $MULTI_THREAD_PARAMS -bm thrpt -tu s -t "$t"
    fi
  done
done
# The monitoring suites (their own modes: average time per sampled row, per window, per call's
# hooks), once: they measure CPU work with little variance between rounds.
if [ "$MONITOR" = 1 ]; then
  ITERATIONS=$(( ITERATIONS + 2 )) jmh "monitor" "$MONITOR_FILTER"
fi
"$PYTHON" "$BENCH/report.py" finish --results "$RESULTS" --seconds "$(( $(date +%s) - START ))"

# 4. The report.
"$PYTHON" "$BENCH/report.py" report --results "$RESULTS" --out "$REPORT"
echo "run.sh: results in $RESULTS"
echo "run.sh: report in $REPORT"
