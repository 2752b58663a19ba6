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
#   USERS=10000 MSGS=10 STAGE=0,3,limit,ws,vertx ./stress.sh   beside the two peers: Node.js + ws, and Vert.x
#                                                           (ws: installs Debian's nodejs and npm with apt-get if node
#                                                           is missing, then the peer's package with npm ci)
#   ./stress.sh render                                      re-render docs/STRESS.md's tables and README's stress summary from docs/stress/*.json
# Every knob is also a flag; flags given on the command line win over the environment.
# Builds the stage jars and the tool's jar if one is missing, then runs the coordinator (see docs/STRESS.md).
set -eu
cd "$(dirname "$0")"

if [ "${1:-}" = render ]; then
  # The renderers are the docs tooling's (docs-tool), run from its classes, as ./bench.sh report runs them.
  if [ ! -f docs-tool/target/test.classpath ] || [ "${REBUILD:-}" = 1 ]; then
    ./mvnw -q -B -pl docs-tool -am test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test >&2
  fi
  exec java -cp "docs-tool/target/classes:$(cat docs-tool/target/test.classpath)" lockfree.stress.DocTables \
    docs/STRESS.md docs/REDIS.md README.md stage0-rwlock/README.md stage1-concurrentmap/README.md stage2-sharded/README.md stage3-lockfree/README.md
fi

jars_missing=false
for d in stage0-* stage1-* stage2-* stage3-*; do
  [ -d "$d" ] || continue
  [ -f "$d/target/$d-gateway.jar" ] || jars_missing=true
done
[ -f stress/target/stress.jar ] || jars_missing=true
[ -f stress-peer-vertx/target/stress-peer-vertx.jar ] || jars_missing=true
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

# The ws peer (docs/STRESS.md, "Two peers") runs on Node.js with the ws package from its committed
# lock file. Only when it is asked for, in STAGE or in a --stage flag.
wants_ws=false
prev=
for a in "$@"; do
  case "$prev|$a" in
    --stage\|*) stages=$a ;;
    *\|--stage=*) stages=${a#--stage=} ;;
    *) stages= ;;
  esac
  case ",$(echo "$stages" | tr 'A-Z' 'a-z' | tr -d ' ')," in *,ws,*) wants_ws=true ;; esac
  prev=$a
done
if [ "$wants_ws" = true ]; then
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "the ws peer needs Node.js and npm: apt-get install -y nodejs npm" >&2
    sudo=; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq && $sudo apt-get install -y -qq nodejs npm >&2
  fi
  if [ ! -f stress/peers/ws/node_modules/ws/package.json ] \
     || [ stress/peers/ws/package-lock.json -nt stress/peers/ws/node_modules/.package-lock.json ]; then
    echo "installing the ws peer's package: (cd stress/peers/ws && npm ci)" >&2
    (cd stress/peers/ws && npm ci --no-audit --no-fund --loglevel=error) >&2
  fi
fi

# The tool has its own jar (the stress module); it starts each stage's gateway jar in its own JVM.
exec java -jar stress/target/stress.jar "$@"
