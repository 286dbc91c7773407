#!/usr/bin/env bash
# What the Fathom agent adds to a JVM's start: wall time, CPU time and peak RSS of whole processes,
# median of RUNS runs (default 5), for a hello-world JVM and for a JVM that loads one small model
# (mlp16) and runs it once with ONNX Runtime directly; each without an agent, with Fathom's agent,
# and with the OpenTelemetry Java agent 2.31.1 for comparison. Target (issue 4/5): Fathom adds at
# most 200 ms wall over the plain JVM.
#
#   mvn -q -pl runtime,agent -am package -DskipTests      # builds agent/target/fathom-agent.jar
#   benchmarks/agent-startup.sh [RUNS]
#
# Writes benchmarks/results/agent-startup.json and prints a Markdown table. The JSON has "target"
# (max_ms), "machine" (cpus, load averages), "git", and "results": one entry per Java, app (hello,
# model) and agent (none, fathom, otel) with "median" and "runs" (wall_s, cpu_s, rss_mib), and for
# the agents "added" (wall_ms, cpu_ms, rss_mib over the same Java's plain JVM) and, for Fathom,
# "meets_target". Runs are interleaved (no agent, Fathom, OpenTelemetry,
# then again), so load from other processes on a shared machine spreads over all three.
#
# Environment:
#   JAVAS   Java binaries to measure, space-separated (default: java on PATH, and
#           /usr/lib/jvm/temurin-25-jdk-amd64/bin/java when present)
#   AGENT   the Fathom agent jar (default agent/target/fathom-agent.jar)
#   OTEL    1 to compare with the OpenTelemetry agent (default), 0 to skip it
#   OUT     the JSON file (default benchmarks/results/agent-startup.json)
#   M2_REPO the local Maven repository (for ONNX Runtime and the OpenTelemetry agent)
# Needs GNU time (/usr/bin/time) and python3.
set -euo pipefail

RUNS=${1:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
M2=${M2_REPO:-$HOME/.m2/repository}
AGENT=${AGENT:-$ROOT/agent/target/fathom-agent.jar}
OTEL_JAR=$M2/io/opentelemetry/javaagent/opentelemetry-javaagent/2.31.1/opentelemetry-javaagent-2.31.1.jar
ORT=$M2/com/microsoft/onnxruntime/onnxruntime/1.24.2/onnxruntime-1.24.2.jar
MODEL=$ROOT/testdata/models/mlp16.onnx
OTEL=${OTEL:-1}
OUT=${OUT:-$ROOT/benchmarks/results/agent-startup.json}
TARGET_MS=200
if [ -z "${JAVAS:-}" ]; then
  JAVAS=java
  [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && JAVAS="$JAVAS /usr/lib/jvm/temurin-25-jdk-amd64/bin/java"
fi

for f in "$AGENT" "$ORT" "$MODEL" /usr/bin/time; do
  [ -e "$f" ] || { echo "missing $f (build the agent first: mvn -q -pl runtime,agent -am package -DskipTests)" >&2; exit 2; }
done
if [ "$OTEL" = 1 ] && [ ! -e "$OTEL_JAR" ]; then
  echo "missing $OTEL_JAR (mvn dependency:get -Dartifact=io.opentelemetry.javaagent:opentelemetry-javaagent:2.31.1, or OTEL=0)" >&2
  exit 2
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/classes" "$WORK/empty-registry" "$(dirname "$OUT")"
cat > "$WORK/Hello.java" <<'JAVA'
public class Hello {
  public static void main(String[] args) {
    System.out.println("hello");
  }
}
JAVA
cat > "$WORK/OneModel.java" <<'JAVA'
import ai.onnxruntime.*;
import java.util.Map;
public class OneModel {
  public static void main(String[] args) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(args[0], new OrtSession.SessionOptions());
        OnnxTensor t = OnnxTensor.createTensor(env, new float[1][16]);
        OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
      System.out.println(((float[][]) r.get(0).getValue())[0][0]);
    }
  }
}
JAVA
javac --release 17 -d "$WORK/classes" -cp "$ORT" "$WORK/Hello.java" "$WORK/OneModel.java"

# The agent's cache of woven classes goes to the work directory (the bundled ONNX Runtime version
# needs none; this keeps the user's cache out of the measurement either way).
FATHOM_FLAGS=(-javaagent:"$AGENT"=registry="$WORK/empty-registry",prometheus.port=0,instrument.cache="$WORK/agent-cache")
OTEL_FLAGS=(-javaagent:"$OTEL_JAR" -Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none)
AGENTS="none fathom"
[ "$OTEL" = 1 ] && AGENTS="$AGENTS otel"

RAW="$WORK/raw.tsv" # java app agent run wall_s user_s sys_s rss_kib
: > "$RAW"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for java in $JAVAS; do
  for app in hello model; do
    if [ $app = hello ]; then ARGS=(-cp "$WORK/classes" Hello); else ARGS=(-cp "$WORK/classes:$ORT" OneModel "$MODEL"); fi
    for run in $(seq "$RUNS"); do
      for agent in $AGENTS; do
        case $agent in
          none) FLAGS=() ;;
          fathom) FLAGS=("${FATHOM_FLAGS[@]}") ;;
          otel) FLAGS=("${OTEL_FLAGS[@]}") ;;
        esac
        /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$java" ${FLAGS[@]+"${FLAGS[@]}"} "${ARGS[@]}" > "$WORK/out" 2> "$WORK/err" \
          || { echo "$java $agent $app failed:" >&2; cat "$WORK/err" >&2; exit 1; }
        read -r w u s m < <(tail -1 "$WORK/time")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$java" "$app" "$agent" "$run" "$w" "$u" "$s" "$m" >> "$RAW"
      done
    done
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$RAW" "$OUT" "$RUNS" "$TARGET_MS" "$AGENT" "$START" "$LOAD_BEFORE" "$LOAD_AFTER" "$ROOT" <<'PY'
import json, os, statistics, subprocess, sys
raw, out, runs, target_ms, agent_jar, start, load_before, load_after, root = sys.argv[1:]
runs, target_ms = int(runs), float(target_ms)

def java_version(java):
    try:
        text = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True).stderr
        for line in text.splitlines():
            if "java.runtime.version" in line:
                return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return None

def git(*args):
    try:
        return subprocess.run(["git", "-C", root, *args], capture_output=True, text=True).stdout.strip() or None
    except OSError:
        return None

rows = {}
for line in open(raw):
    java, app, agent, run, wall, user, sys_, rss = line.rstrip("\n").split("\t")
    r = rows.setdefault((java, app, agent), {"wall_s": [], "cpu_s": [], "rss_mib": []})
    r["wall_s"].append(float(wall))
    r["cpu_s"].append(round(float(user) + float(sys_), 3))
    r["rss_mib"].append(round(int(rss) / 1024, 1))

APPS = {"hello": "hello world", "model": "one small model (mlp16, one prediction, ONNX Runtime directly)"}
AGENTS = {"none": "none", "fathom": "Fathom", "otel": "OpenTelemetry Java agent 2.31.1"}
results = []
javas = []
for (java, app, agent), r in rows.items():
    if java not in javas:
        javas.append(java)
for java in javas:
    version = java_version(java)
    for app in APPS:
        base = rows.get((java, app, "none"))
        for agent in AGENTS:
            r = rows.get((java, app, agent))
            if r is None:
                continue
            med = {k: round(statistics.median(v), 3) for k, v in r.items()}
            entry = {"java": java, "java_version": version, "app": app, "app_label": APPS[app], "agent": agent, "agent_label": AGENTS[agent],
                     "median": med, "runs": r}
            if agent != "none" and base:
                bmed = {k: statistics.median(v) for k, v in base.items()}
                entry["added"] = {"wall_ms": round((med["wall_s"] - bmed["wall_s"]) * 1000), "cpu_ms": round((med["cpu_s"] - bmed["cpu_s"]) * 1000),
                                  "rss_mib": round(med["rss_mib"] - bmed["rss_mib"], 1)}
                if agent == "fathom":
                    entry["meets_target"] = entry["added"]["wall_ms"] <= target_ms
            results.append(entry)

doc = {
    "benchmark": "agent-startup",
    "description": "Wall time, CPU time and peak RSS the agent adds to whole JVM processes (median of runs), hello world and one small model",
    "target": {"metric": "added wall time, median", "max_ms": target_ms, "agent": "fathom"},
    "started": start,
    "runs_per_case": runs,
    "machine": {"cpus": os.cpu_count(), "load_average_before": [float(x) for x in load_before.split()], "load_average_after": [float(x) for x in load_after.split()]},
    "agent_jar": {"path": agent_jar, "bytes": os.path.getsize(agent_jar)},
    "git": {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))},
    "results": results,
}
with open(out, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")

print(f"Agent start-up, median of {runs} runs; load average {load_before} before, {load_after} after; {os.cpu_count()} CPUs")
print()
print("| Java | JVM | agent | wall s | added | CPU s | added | peak RSS MiB | added |")
print("|---|---|---|---|---|---|---|---|---|")
for e in results:
    m, a = e["median"], e.get("added")
    mark = ""
    if "meets_target" in e:
        mark = " ✓" if e["meets_target"] else f" ✗ (target ≤ {target_ms:.0f} ms)"
    print(f"| {e['java_version'] or e['java']} | {'hello world' if e['app'] == 'hello' else 'one small model'} | {e['agent_label'] if e['agent'] != 'otel' else 'OpenTelemetry 2.31.1'} "
          f"| {m['wall_s']:.3f} | {'' if not a else format(a['wall_ms'], '+d') + ' ms' + mark} "
          f"| {m['cpu_s']:.2f} | {'' if not a else format(a['cpu_ms'], '+d') + ' ms'} "
          f"| {m['rss_mib']:.1f} | {'' if not a else format(a['rss_mib'], '+.1f')} |")
print()
print(f"JSON: {out}")
PY
