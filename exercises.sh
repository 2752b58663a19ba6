#!/usr/bin/env bash
# Starts the exercise runner (exercises/README.md). The first start builds what it needs with Maven
# (about a minute); later starts skip that unless the build itself changed. The runner then compiles
# and tests your exercise inside its own JVM, without Maven, so a save gets a verdict in seconds.
#
#   ./exercises.sh            watch the current exercise
#   ./exercises.sh help       every command
set -euo pipefail
cd "$(dirname "$0")"

classpath_file=exercises/target/workshop.classpath
# Rebuild when there is no build yet, or when something the runner is built from changed: the poms,
# common, the testkit, the runner, the tests. Not for your edits to the stubs: the runner compiles those itself.
stale() {
  [ ! -f "$classpath_file" ] && return 0
  [ -n "$(find pom.xml common/pom.xml common/src testkit/pom.xml testkit/src exercises/pom.xml exercises/src/test \
            exercises/src/main/java/lockfree/exercises/runner -newer "$classpath_file" -print -quit)" ]
}
if stale; then
  echo "Building the exercises module (first start, or the build changed)..."
  # maven-dependency-plugin (version managed in the parent pom) writes the test class path.
  if ! ./mvnw -q -B -pl exercises -am test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/workshop.classpath -Dmdep.includeScope=test; then
    echo "The build failed. If the error is in an exercise file you edited, fix it or put the stub back" >&2
    echo "with: git checkout -- <that file>, then start ./exercises.sh again." >&2
    exit 1
  fi
  touch "$classpath_file" # the plugin leaves an unchanged file alone; mark this build as done
fi

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# Lincheck attaches its agent at run time; saying so up front keeps JDK 21+ from warning about it.
exec "$java" -XX:+IgnoreUnrecognizedVMOptions -XX:+EnableDynamicAgentLoading \
  -Dworkshop.root="$PWD" -Dworkshop.command=./exercises.sh \
  -cp "exercises/target/classes:exercises/target/test-classes:$(cat "$classpath_file")" \
  lockfree.exercises.runner.Workshop "$@"
