#!/usr/bin/env bash
# Benchmarks and lock profiling for the workshop. Run from anywhere; paths are the repository's.
#
#   ./bench.sh stageN [Benchmark] [JMH options]
#                                  one stage's own benchmarks (StageN_*), or one of them, e.g.
#                                  ./bench.sh stage0 Stage0_01 -t 2; each trial 2 forks x 8 s.
#                                  All of a stage, at 1 thread: stage0 2 min, stage1 2 min,
#                                  stage2 12 min, stage3 3 min (each file's header: its own)
#   ./bench.sh all [--forks N]     every stage, stage3-boxed and the limit in ONE JMH run, 3 forks:
#                                  about half an hour on 2 cores (printed at start); writes
#                                  docs/bench/compare.json and renders docs/BENCHMARKS.md's tables
#                                  and the charts from it
#   ./bench.sh churn [cycles] [live users]
#                                  memory after churn: every stage's tables before and after
#                                  1,000,000 reconnections with 10,000 users online (defaults), one
#                                  JVM per stage, into docs/bench/churn-memory.json; under a minute
#   ./bench.sh report              re-render every rendered table (JMH, churn, footprint, jcstress), the
#                                  JMH conclusion sentences and the charts
#   ./bench.sh smoke               CI: every benchmark (limits and stage3-boxed too), one 100 ms
#                                  iteration, 1 fork, then the report; numbers meaningless (~4 min)
#   ./bench.sh jmh [JMH args]      JMH on the cross-stage classpath (AllStages_*, Metrics_01_Counters);
#                                  AllStages_01 with -t 2 or more needs -p stage=... without limit
#   ./bench.sh locks stage0|stage3 [seconds] [threads]
#                                  JFR lock profile of a session-table load on that stage; prints the
#                                  most contended monitors and parks (jdk.JavaMonitorEnter, jdk.ThreadPark)
#   ./bench.sh flame [stage ...]   async-profiler CPU and lock flame graphs (HTML) and collapsed stacks
#                                  of the 100%-read session-table workload, 2 threads, into
#                                  benchmarks/target/flame/<stage>-<event>; default stage0 stage3
#
# BENCH_OFFLINE=1 builds with mvn -o; BENCH_SKIP_BUILD=1 reuses the last build.
# Numbers need a quiet machine: on a shared one, read the error columns and compare stages only
# within one run. Every mode records `cat /proc/loadavg` beside its output.
set -euo pipefail
cd "$(dirname "$0")"

MVN=(./mvnw -q -B)
[[ "${BENCH_OFFLINE:-}" == 1 ]] && MVN+=(-o)

# Compiles every stage's test classes, the benchmarks module and the docs tooling (the report), and
# writes each module's test classpath to <module>/target/test.classpath. One Maven run for all modules.
build() {
    [[ "${BENCH_SKIP_BUILD:-}" == 1 ]] && return 0   # already built by an earlier ./bench.sh
    "${MVN[@]}" -pl benchmarks,docs-tool -am test-compile dependency:build-classpath \
        -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test >&2
}

classpath() { # module -> its runtime classpath for JMH (test classes first)
    local m=$1
    echo "$m/target/test-classes:$m/target/classes:$(cat "$m/target/test.classpath")"
}

stage_module() {
    case "$1" in
        stage0) echo stage0-rwlock ;; stage1) echo stage1-concurrentmap ;;
        stage2) echo stage2-sharded ;; stage3) echo stage3-lockfree ;;
        *) echo "unknown stage $1 (stage0..stage3)" >&2; exit 2 ;;
    esac
}

load() { echo "# load average (1 5 15 min): $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%FT%TZ)"; }
# A JSON result (-rff X.json) gets its run log X-run.txt beside it: the command, machine, JDK and
# date that the caption of every table rendered from it shows (docs-tool's Captions).
run_log() {
    local command=$1 started=$2 before=$3 rff="" prev=""
    shift 3
    for a in "$@"; do [[ "$prev" == -rff ]] && rff=$a; prev=$a; done
    if [[ "$rff" == *.json ]]; then
        java -cp "$(classpath benchmarks)" lockfree.bench.RunLog "$rff" "$command" "$started" "$before"
    fi
}

mode=${1:-help}
shift || true
case "$mode" in
    stage0|stage1|stage2|stage3)
        build
        m=$(stage_module "$mode")
        n=${mode#stage}
        command=$(echo "./bench.sh $mode $*" | sed 's/ *$//')
        started=$(date -u +%FT%TZ)
        before=$(cut -d' ' -f1-3 /proc/loadavg)
        load
        # A first argument that is not an option is the benchmark pattern; default: all of the stage's.
        if [[ $# -eq 0 || "$1" == -* ]]; then set -- "Stage${n}_" "$@"; fi
        java -cp "$(classpath "$m")" org.openjdk.jmh.Main "$@"
        run_log "$command" "$started" "$before" "$@"
        load
        ;;
    all)
        build
        load
        java -cp "$(classpath benchmarks)" lockfree.bench.CompareStages "$@"
        java -cp "$(classpath docs-tool)" lockfree.bench.Report docs/bench/compare.json docs/bench docs/BENCHMARKS.md
        load
        ;;
    churn)
        build
        load
        java -Xmx1g -cp "$(classpath benchmarks)" lockfree.bench.ChurnMemory docs/bench/churn-memory.json "$@"
        load
        ;;
    report)
        build
        java -cp "$(classpath docs-tool)" lockfree.bench.Report docs/bench/compare.json docs/bench docs/BENCHMARKS.md README.md stage*-*/README.md
        ;;
    jmh)
        build
        command=$(echo "./bench.sh jmh $*" | sed 's/ *$//')
        started=$(date -u +%FT%TZ)
        before=$(cut -d' ' -f1-3 /proc/loadavg)
        load
        java -cp "$(classpath benchmarks)" org.openjdk.jmh.Main "$@"
        run_log "$command" "$started" "$before" "$@"
        load
        ;;
    smoke)
        # Every benchmark compiles and runs once, so none rots. users=1000 keeps set-up short;
        # -foe makes a benchmark that throws (e.g. a send queue that strands messages) fail the run.
        start=$(date +%s)
        build
        load
        smoke=(-f 1 -wi 0 -i 1 -w 100ms -r 100ms -p users=1000 -foe true)
        for m in stage0-rwlock stage1-concurrentmap stage2-sharded stage3-lockfree; do
            n=${m:5:1}
            java -cp "$(classpath "$m")" org.openjdk.jmh.Main "Stage${n}_" "${smoke[@]}" \
                -rf json -rff "$m/target/jmh-smoke.json"
        done
        java -cp "$(classpath benchmarks)" org.openjdk.jmh.Main "${smoke[@]}" -rf json -rff benchmarks/target/jmh-smoke.json
        # ...and the tables and charts render from a JMH JSON (into target/, not docs/).
        rm -rf benchmarks/target/smoke-report
        java -cp "$(classpath docs-tool)" lockfree.bench.Report benchmarks/target/jmh-smoke.json \
            benchmarks/target/smoke-report benchmarks/target/smoke-report/BENCHMARKS.md
        for column in limit stage3-boxed; do   # the limit and the boxed split must have run too
            grep -q "\"stage\" : \"$column\"" benchmarks/target/jmh-smoke.json \
                || { echo "smoke: no $column result in benchmarks/target/jmh-smoke.json" >&2; exit 1; }
        done
        # Memory after churn, small: the harness runs and every stage stays within its bound.
        java -Xmx1g -cp "$(classpath benchmarks)" lockfree.bench.ChurnMemory benchmarks/target/churn-smoke.json 20000 1000
        load
        echo "# smoke: every benchmark ran, in $(( $(date +%s) - start )) s"
        ;;
    locks)
        stage=${1:?usage: ./bench.sh locks stage0|stage3 [seconds] [threads]}
        build
        load
        java -cp "$(classpath benchmarks)" lockfree.bench.LockProfile "$stage" "${2:-10}" "${3:-4}" \
            "benchmarks/target/locks-$stage.jfr"
        load
        ;;
    flame)
        build
        [[ $# -eq 0 ]] && set -- stage0 stage3
        # The async-profiler jar from Maven Central carries the native agent; JMH loads it from a file.
        jar=$(tr ':' '\n' < benchmarks/target/test.classpath | grep '/async-profiler-.*\.jar$')
        lib=benchmarks/target/async-profiler
        mkdir -p "$lib"
        (cd "$lib" && jar xf "$jar" linux-x64/libasyncProfiler.so)
        so=$lib/linux-x64/libasyncProfiler.so
        [[ -f "$so" ]] || { echo "no linux-x64/libasyncProfiler.so in $jar" >&2; exit 1; }
        load
        for stage in "$@"; do
            for event in cpu lock; do
                # Generated pages stay under target/; the collapsed stacks (one line per distinct
                # stack and its sample count) are the raw result docs/bench/flame keeps a copy of.
                out=benchmarks/target/flame/$stage-$event
                rm -rf "$out"; mkdir -p "$out"
                # cpu falls back to itimer sampling where perf_events are not allowed (containers).
                java -cp "$(classpath benchmarks)" org.openjdk.jmh.Main 'AllStages_01_SessionTable' \
                    -p stage="$stage" -p readPercent=100 -p users=100000 -t 2 -f 1 -wi 2 -i 3 -w 1s -r 2s \
                    -prof "async:libPath=$PWD/$so;output=flamegraph,collapsed;event=$event;dir=$out"
            done
        done
        load
        ;;
    *)
        sed -n '2,28p' "$0"
        exit 2
        ;;
esac
