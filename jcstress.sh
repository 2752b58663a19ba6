#!/usr/bin/env bash
# Runs the workshop's jcstress tests: the races each stage has, and how the next stage closes them.
#
#   ./jcstress.sh [stage0|stage1|stage2|stage3|exercises|all] [mode] [test regexp]
#
#   ./jcstress.sh stage1                 one stage, in the short "ci" mode (the default)
#   ./jcstress.sh all ci                 every test, short: what CI runs (a few minutes on 2 cores)
#   ./jcstress.sh exercises              the exercises' jcstress tests, against YOUR solutions
#   ./jcstress.sh stage2 long Stage2_04   one test file, longer, to catch rare interleavings
#   RECORD=1 ./jcstress.sh all ci        every test, short, and record each stage's part of the
#                                        summary as its chapter's raw result (see "Recording" below)
#
# Modes: ci, long, or any jcstress preset (sanity, quick, default, tough, stress). "ci" is
# jcstress's quick preset cut down to one JVM configuration (-jvmArgs turns off the flag
# auto-detection that otherwise multiplies every test by each JIT and C2-randomizer mode), one fork
# and one iteration: each test still runs its actors a few hundred thousand times, enough for
# every FORBIDDEN check to mean something. "long" is the same configuration for 20 seconds per
# test; the presets try every JIT mode the JVM offers and take much longer (quick: ~1 min per test).
#
# The tests are compiled with each stage's tests (src/test/java/lockfree/<stage>/jcstress), whose
# annotation processor writes the harness and a META-INF/TestList. This script builds the stages it
# needs, merges their TestLists (jcstress reads only the first one on the class path), and runs
# jcstress once for all of them, so the JVM probing at start-up is paid once.
#
# The exercises' jcstress tests (exercises/src/jcstress/java, e.g. exercise 9's ring) test code the
# learner writes, so Maven does not build them (the stubs would fail them). This script compiles
# them with javac and jcstress's annotation processor: "exercises" against the files in
# exercises/src/main (yours), "all" against the reference solutions in exercises/solutions (what CI
# checks: the test itself is right).
#
# The exit code of jcstress alone is not enough. Version 0.16 does end with an AssertionError (exit
# 1) when a FORBIDDEN outcome was seen, but it exits 0 when tests did not run at all (e.g. a test
# with more actors than the machine has CPUs is skipped with a note), and older versions exit 0
# on failures too. So this script also reads the summary it prints: "Failed tests:" and "Error
# tests:" must both say "No matches.", and no test may have been skipped; otherwise it exits 1.
# ACCEPTABLE_INTERESTING outcomes (the broken variants doing what they are there to show) do not
# fail the run.
#
# Output: target/jcstress/console.txt (the whole console), target/jcstress/summary.txt (the
# command, when, which JDK, the CPUs and the load average at the start and at the end, the options,
# and every test's outcome table), target/jcstress/results/index.html (the report, one page per
# test). MVN overrides the Maven command (default ./mvnw -q -B).
#
# Recording: the chapters' "What jcstress shows" tables are rendered (./bench.sh report) from
# committed raw results, stageN-*/docs/jcstress-<mode>.txt. Only with RECORD=1, and only when the
# run passed, does this script write them: each stage's part of the summary (the header, then that
# stage's tests) into that stage's file, replacing it; a stage with no test in the run is left as
# it is. An ordinary run writes only under target/. What the committed files hold:
#   RECORD=1 ./jcstress.sh all ci
#   RECORD=1 ./jcstress.sh all long 'Stage2_04_DrainFlag.ClearAfter|Stage0_04_Publication.PlainFields|Stage0_04_Publication.FinalId'
# then ./bench.sh report. The header's first line is the command as typed, to run it again.
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$(pwd)
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

STAGES_ALL=(stage0-rwlock stage1-concurrentmap stage2-sharded stage3-lockfree)
what=${1:-all}
mode=${2:-ci}
filter=${3:-}

modules=()
case "$what" in
  all)
    for m in "${STAGES_ALL[@]}"; do
      [[ -d $m ]] && modules+=("$m")
    done
    exercises_from=solutions ;;
  exercises)
    exercises_from=learner ;;
  stage0|stage1|stage2|stage3)
    for m in "${STAGES_ALL[@]}"; do
      [[ $m == "$what"-* ]] && modules+=("$m")
    done ;;
  -h|--help|help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "unknown stage '$what': stage0|stage1|stage2|stage3|exercises|all" >&2; exit 2 ;;
esac
if [[ -n ${exercises_from:-} && ! -d exercises/src/jcstress/java ]]; then
  exercises_from=""
fi
if [[ ${#modules[@]} -eq 0 && -z ${exercises_from:-} ]] || [[ ${#modules[@]} -gt 0 && ! -d ${modules[0]} ]]; then
  echo "no module for '$what' in this checkout" >&2; exit 2
fi

case "$mode" in
  # One JVM configuration (on JDK 17 jcstress still runs each test with biased locking on and
  # off), one fork, one 200 ms iteration, a small heap that is not pre-touched: start-up is most of
  # the cost, so the fewer JVMs the better.
  ci) mode_args=(-m quick -f 1 -fsm 0 -iters 1 -sc false -pth false -jvmArgs "-Xmx256m -XX:+UseSerialGC") ;;
  # The same single configuration, run 4 times as long in 4 forks (each with its own seed): for
  # the rare interleavings, at a few minutes per test.
  long) mode_args=(-m quick -f 4 -fsm 0 -iters 5 -time 1000 -sc false -pth false -jvmArgs "-Xmx256m -XX:+UseSerialGC") ;;
  sanity|quick|default|tough|stress) mode_args=(-m "$mode") ;;
  *) echo "unknown mode '$mode': ci|long|sanity|quick|default|tough|stress" >&2; exit 2 ;;
esac

# Only this stage's jcstress classes (the regexp is matched against the test's class name).
if [[ -z $filter ]]; then
  pkgs=()
  for m in "${modules[@]}"; do pkgs+=("lockfree\\.${m%%-*}\\.jcstress\\."); done
  [[ -n ${exercises_from:-} ]] && pkgs+=("lockfree\\.exercises\\.jcstress\\.")
  filter="($(IFS='|'; echo "${pkgs[*]}"))"
fi

# Build: compile each stage's tests (the annotation processor generates the harness) and write its
# test class path. -am also builds common and testkit, whose classes the stages use.
mvn_cmd=${MVN:-./mvnw -q -B}
build_modules=("${modules[@]}")
[[ -n ${exercises_from:-} ]] && build_modules+=(exercises)
pl=$(IFS=,; echo "${build_modules[*]}")
echo "==> building $pl" >&2
$mvn_cmd -pl "$pl" -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test >&2

out=$ROOT/target/jcstress
rm -rf "$out"
mkdir -p "$out/merged/META-INF"
cp=$out/merged
for m in "${modules[@]}"; do
  cat "$ROOT/$m/target/test-classes/META-INF/TestList" >> "$out/merged/META-INF/TestList"
  cp=$cp:$ROOT/$m/target/test-classes:$ROOT/$m/target/classes:$(cat "$ROOT/$m/target/test.classpath")
done
if [[ -n ${exercises_from:-} ]]; then
  # Each exercise's jcstress tests, with the exercise's stub files swapped for the reference
  # solution ("all") or left as the learner has them ("exercises"). Every exercise package a test
  # imports is compiled from source here, ahead of Maven's build of the stubs on the class path.
  ex_out=$out/exercises-classes
  mkdir -p "$ex_out"
  ex_sources=()
  while IFS= read -r test; do ex_sources+=("$test"); done < <(find exercises/src/jcstress/java -name '*.java' | sort)
  for pkg in $(grep -ho 'import lockfree\.exercises\.ex[0-9][0-9]_[a-z0-9_]*' "${ex_sources[@]}" | sed 's/.* //' | sort -u); do
    name=${pkg#lockfree.exercises.}
    for f in exercises/src/main/java/lockfree/exercises/"$name"/*.java; do
      if [[ $exercises_from == solutions && -f exercises/solutions/$name/$(basename "$f") ]]; then
        ex_sources+=("exercises/solutions/$name/$(basename "$f")")
      else
        ex_sources+=("$f")
      fi
    done
  done
  echo "==> compiling the exercises' jcstress tests against the $([[ $exercises_from == solutions ]] && echo reference solutions || echo files in exercises/src/main)" >&2
  ex_cp=$(cat "$ROOT/exercises/target/test.classpath")
  javac -nowarn --release 17 -cp "$ex_cp" -processor org.openjdk.jcstress.infra.processors.JCStressTestProcessor \
      -d "$ex_out" "${ex_sources[@]}" >&2
  cat "$ex_out/META-INF/TestList" >> "$out/merged/META-INF/TestList"
  cp=$cp:$ex_out:$ex_cp
fi

# jcstress 0.16 probes at start-up whether @Contended pads its result classes ("Testing @Contended
# works on all results and infra objects"). The probe lists every class file on the class path
# whose path contains "Result" and loads it by name; for a jar it names the entry from the jar's
# root, but for a directory it takes the file's whole path (common/target/classes/lockfree/...)
# as the class name. Any such class in a directory (a StageResult, a Results record) then stops
# the probe with an IllegalStateException / ClassNotFoundException stack trace, and jcstress goes
# on without knowing whether its results are padded. So a directory that holds such a class, or
# whose own path contains "Result", goes on the class path as a jar of itself.
jarred_cp=""
IFS=: read -r -a entries <<<"$cp"
n=0
for e in "${entries[@]}"; do
  if [[ -d $e ]] && { [[ $e == *Result* ]] || [[ -n $(find "$e" -name '*Result*.class' -print -quit) ]]; }; then
    n=$((n + 1))
    mkdir -p "$out/jars"
    jar cf "$out/jars/$n.jar" -C "$e" .
    e=$out/jars/$n.jar
  fi
  jarred_cp=${jarred_cp:+$jarred_cp:}$e
done
cp=$jarred_cp

# jcstress writes its binary result blob into the working directory: keep it under target/.
cd "$out"
echo "==> java org.openjdk.jcstress.Main ${mode_args[*]} -t '$filter'" >&2
set +e
# -v: the final summary lists every test's outcome table, not only the interesting ones.
java -cp "$cp" org.openjdk.jcstress.Main "${mode_args[@]}" -v -t "$filter" -r "$out/results" 2>&1 \
    | tee "$out/console.txt"
rc=${PIPESTATUS[0]}
set -e

summary=$(sed -n '/^RUN RESULTS:/,$p' "$out/console.txt")
# The command as typed, so that a reader can run it again: a test regexp with | or ( in quotes.
command="./jcstress.sh $what $mode"
if [[ -n ${3:-} ]]; then
  if [[ $3 =~ ^[A-Za-z0-9_.]+$ ]]; then command+=" $3"; else command+=" '$3'"; fi
fi
[[ ${RECORD:-} == 1 ]] && command="RECORD=1 $command"
header() {
  echo "jcstress run: $command"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); JDK: $(java -version 2>&1 | sed -n 2p)"
  # The load is recorded, not judged: at the start (before the build) it says what else the
  # machine was doing; at the end it includes jcstress's own actors.
  echo "machine: $(nproc) CPUs, load average (1, 5, 15 min) at the start $load_at_start, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "jcstress options: ${mode_args[*]} -t $filter"
}
{
  header
  echo
  echo "$summary"
} > "$out/summary.txt"
fail=0
if [[ $rc -ne 0 ]]; then
  echo "jcstress exited with $rc" >&2; fail=1
fi
if [[ -z $summary ]]; then
  echo "no RUN RESULTS summary in the jcstress output" >&2; fail=1
fi
# A test jcstress cannot schedule (more actors than CPUs) is skipped with only a note: a test
# that did not run proves nothing, so that fails the run too.
if grep -q "No scheduling is possible" "$out/console.txt"; then
  echo "jcstress: some tests need more CPUs than this machine has and did not run" >&2; fail=1
fi
# The start-up probe above must not break again (a class path entry the jar step missed).
if grep -q "Reflections.getClasses" "$out/console.txt"; then
  echo "jcstress: its @Contended probe could not load a class of the class path (see the comment on jarred_cp)" >&2; fail=1
fi
for kind in "Failed tests" "Error tests"; do
  if ! grep -q "^  $kind: No matches\.$" <<<"$summary"; then
    echo "jcstress: $kind present (a FORBIDDEN outcome or a crash), see $out/results/index.html" >&2
    fail=1
  fi
done
if [[ $fail -ne 0 ]]; then
  echo "==> FAILED" >&2
  exit 1
fi
echo "==> jcstress OK: no FORBIDDEN outcome, no error ($what, mode $mode)" >&2

if [[ ${RECORD:-} == 1 ]]; then
  # Each stage's part: the header, then every test block of its package (a block runs from its
  # ".......... [OK] lockfree.stageN.jcstress...." line to the next test line or section heading).
  for m in "${modules[@]}"; do
    pkg="lockfree.${m%%-*}.jcstress."
    part=$(awk -v pkg="$pkg" '
      /^\.\.\.\.+ \[[A-Z]+\] / { keep = index($3, pkg) == 1; if (keep) print ""; }
      /^  [A-Z][A-Za-z ]* tests: / || /^  HTML report/ { keep = 0 }
      keep' "$out/summary.txt" | cat -s)
    if [[ -z $part ]]; then
      echo "==> RECORD: no $m test in this run, $m/docs/jcstress-$mode.txt left as it is" >&2
      continue
    fi
    mkdir -p "$ROOT/$m/docs"
    { sed -n 1,4p "$out/summary.txt"; echo "$part"; } > "$ROOT/$m/docs/jcstress-$mode.txt"
    echo "==> RECORD: wrote $m/docs/jcstress-$mode.txt; render the chapters with ./bench.sh report" >&2
  done
fi
