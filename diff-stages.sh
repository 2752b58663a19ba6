#!/usr/bin/env sh
# What changed between two stages, class by class:
#   ./diff-stages.sh 2 3            unified diff of stage 2 -> stage 3, one line of context
#   ./diff-stages.sh 0 1 -y -W 200  any other diff options (here: side by side)
# Each stage keeps its classes under its own package folder and names them after its design
# (RwLockSessionManager, ConcurrentMapSessionManager, ...), so `diff -r` of two stages pairs
# nothing. This pairs them by role, the suffix of the class name: *SessionManager, *SendQueue and
# *Main. A class that fits no role (stage 3's SessionRegistry) is shown whole, as new in the
# later stage or gone from it.
# One line of context by default: two designs of one class share little more than the order of
# their methods and each method's signature, so with the usual three lines (-u) the hunks of
# neighbouring methods merge into one; with one line, each hunk is one method's change beside the
# code it replaces.
# Exits 0 when it compared (differences are the point), 2 on a usage error.
set -eu
cd "$(dirname "$0")"

usage() { sed -n '2,4p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
from=$1; to=$2; shift 2
[ $# -gt 0 ] || set -- -U1

stage_dir() {
  for d in stage"$1"-*; do
    [ -d "$d/src/main/java" ] && { echo "$d"; return 0; }
  done
  echo "no stage$1-*/src/main/java here (stages are 0 to 3)" >&2
  exit 2
}
a=$(stage_dir "$from")
b=$(stage_dir "$to")

roles="SessionManager SendQueue Main"
# The one main class of a stage whose name ends with the role (and, for Main, starts with Stage).
role_file() {
  case "$2" in
    Main) find "$1/src/main/java" -name 'Stage*Main.java' | sort | head -n 1 ;;
    *) find "$1/src/main/java" -name "*$2.java" | sort | head -n 1 ;;
  esac
}

paired=""
for role in $roles; do
  fa=$(role_file "$a" "$role")
  fb=$(role_file "$b" "$role")
  if [ -z "$fa" ] || [ -z "$fb" ]; then
    echo "=== $role: only in ${fa:-$fb}"
    continue
  fi
  paired="$paired $fa $fb"
  echo "=== $role: $fa -> $fb"
  diff "$@" "$fa" "$fb" || [ $? -eq 1 ]   # 1 means "they differ", which is the point
done

for f in $(find "$a/src/main/java" "$b/src/main/java" -name '*.java' | sort); do
  case " $paired " in
    *" $f "*) continue ;;
  esac
  case "$f" in
    "$b"/*) echo "=== new in $b: $f"; diff "$@" /dev/null "$f" || [ $? -eq 1 ] ;;
    *) echo "=== gone from $b: $f"; diff "$@" "$f" /dev/null || [ $? -eq 1 ] ;;
  esac
done
