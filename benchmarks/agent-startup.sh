#!/usr/bin/env bash
# What the Fathom agent adds to a JVM's start: wall time and peak RSS of whole processes, median of
# RUNS runs (default 5), for a hello-world JVM and for a JVM that loads one small model (mlp16) and
# runs it once; each without an agent, with Fathom's agent, and with the OpenTelemetry Java agent
# 2.31.1 for comparison. Prints a Markdown table.
#
#   mvn -q -pl runtime,agent -am package -DskipTests      # builds agent/target/fathom-agent.jar
#   benchmarks/agent-startup.sh [RUNS]
#
# Needs GNU time (/usr/bin/time) and the jars in the local Maven repository (the agent build puts
# them there). JAVA (default: java on PATH) picks the runtime.
set -euo pipefail

RUNS=${1:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA:-java}
M2=${M2_REPO:-$HOME/.m2/repository}
AGENT=$ROOT/agent/target/fathom-agent.jar
OTEL=$M2/io/opentelemetry/javaagent/opentelemetry-javaagent/2.31.1/opentelemetry-javaagent-2.31.1.jar
ORT=$M2/com/microsoft/onnxruntime/onnxruntime/1.24.2/onnxruntime-1.24.2.jar
MODEL=$ROOT/testdata/models/mlp16.onnx

for f in "$AGENT" "$OTEL" "$ORT" "$MODEL" /usr/bin/time; do
  [ -e "$f" ] || { echo "missing $f (build the agent first; the OpenTelemetry agent resolves with: mvn dependency:get -Dartifact=io.opentelemetry.javaagent:opentelemetry-javaagent:2.31.1)" >&2; exit 2; }
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/classes" "$WORK/empty-registry"
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
javac -d "$WORK/classes" -cp "$ORT" "$WORK/Hello.java" "$WORK/OneModel.java"

FATHOM_FLAGS=(-javaagent:"$AGENT"=registry="$WORK/empty-registry",prometheus.port=0)
OTEL_FLAGS=(-javaagent:"$OTEL" -Dotel.traces.exporter=none -Dotel.metrics.exporter=none -Dotel.logs.exporter=none)

# median wall seconds and median peak RSS MiB of RUNS runs of the command
measure() {
  local walls=() rss=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > /dev/null 2> "$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
    read -r w m < "$WORK/time"
    walls+=("$w"); rss+=("$m")
  done
  python3 - "${walls[*]}" "${rss[*]}" <<'PY'
import statistics, sys
w = [float(x) for x in sys.argv[1].split()]
m = [float(x) for x in sys.argv[2].split()]
print(f"{statistics.median(w):.3f} {statistics.median(m) / 1024:.1f}")
PY
}

echo "| JVM | agent | wall s (median of $RUNS) | added | peak RSS MiB | added |"
echo "|---|---|---|---|---|---|"
for app in hello model; do
  if [ $app = hello ]; then ARGS=(-cp "$WORK/classes" Hello); NAME="hello world"; else ARGS=(-cp "$WORK/classes:$ORT" OneModel "$MODEL"); NAME="one small model"; fi
  read -r base_w base_m < <(measure "$JAVA" "${ARGS[@]}")
  echo "| $NAME | none | $base_w | | $base_m | |"
  for agent in fathom otel; do
    if [ $agent = fathom ]; then FLAGS=("${FATHOM_FLAGS[@]}"); LABEL="Fathom"; else FLAGS=("${OTEL_FLAGS[@]}"); LABEL="OpenTelemetry 2.31.1"; fi
    read -r w m < <(measure "$JAVA" "${FLAGS[@]}" "${ARGS[@]}")
    python3 -c "print(f'| $NAME | $LABEL | $w | {($w - $base_w) * 1000:+.0f} ms | $m | {$m - $base_m:+.1f} |')"
  done
done
