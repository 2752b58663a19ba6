#!/usr/bin/env sh
# The stress test with the plan's knobs. Examples:
#   USERS=10000 MSGS=10 ./stress.sh                        unicast against all four stages and the limit server
#   USERS=10000 MSGS=10 REPEAT=5 ./stress.sh               the same, 5 interleaved runs: medians and ranges
#   STAGE=0,limit ./stress.sh                              stage 0 beside the limit server only
#   SCENARIO=broadcast STAGE=0 ./stress.sh                  one stage
#   SCENARIO=idle USERS=50000 ./stress.sh --json out.json   flags work too (./stress.sh --help)
#   SCENARIO=idle USERS=100000 STAGE=3 REDIS=auto ./stress.sh   scale-out: 6 gateway JVMs joined by Redis
#   USERS=100000 STAGE=3 REDIS=cluster ./stress.sh            the same through a local 3-master Redis Cluster
#   USERS=10000 MSGS=10 STAGE=0,3,limit PROFILE=docs/stress/profile ./stress.sh   where each target's CPU goes (async-profiler)
#   ./stress.sh render                                      re-render docs/STRESS.md's tables and README's stress summary from docs/stress/*.json
# Every knob is also a flag; flags given on the command line win over the environment.
# Builds the stage jars and the tool's jar if one is missing, then runs the coordinator (see docs/STRESS.md).
set -eu
cd "$(dirname "$0")"

if [ "${1:-}" = render ]; then
  [ -f stress/target/stress.jar ] || ./mvnw -q package -DskipTests -pl stress -am
  exec java -cp stress/target/stress.jar lockfree.common.stress.DocTables docs/STRESS.md docs/REDIS.md README.md stage3-lockfree/README.md
fi

jars_missing=false
for d in stage0-* stage1-* stage2-* stage3-*; do
  [ -d "$d" ] || continue
  [ -f "$d/target/$d-gateway.jar" ] || jars_missing=true
done
[ -f stress/target/stress.jar ] || jars_missing=true
if [ "$jars_missing" = true ] || [ "${REBUILD:-}" = 1 ]; then
  echo "building the stage jars and the stress tool: ./mvnw -q package -DskipTests" >&2
  ./mvnw -q package -DskipTests
fi

set --  --users "${USERS:-10000}" --msgs "${MSGS:-10}" --scenario "${SCENARIO:-unicast}" \
        --stage "${STAGE:-all}" --rate "${RATE:-0}" --duration "${DURATION:-120s}" --repeat "${REPEAT:-1}" "$@"
[ "${CLOSED_LOOP:-}" = 1 ] && set -- --closed-loop "$@"
[ -n "${JSON:-}" ] && set -- --json "$JSON" "$@"
[ -n "${REDIS:-}" ] && set -- --redis "$REDIS" "$@"
[ -n "${PROFILE:-}" ] && set -- --profile "$PROFILE" "$@"

# The tool has its own jar (the stress module); it starts each stage's gateway jar in its own JVM.
exec java -jar stress/target/stress.jar "$@"
