# Sourced by the benchmark scripts that run a Java harness in package io.kinko.vault.engine against
# vault-core (benchmarks/log/run, benchmarks/backends/run): one place that makes the scratch
# folder, builds the library and compiles the harness. Needs $repo (the checkout's root).

# new_scratch BASE PREFIX: sets $scratch to a new folder in BASE and $fstype to BASE's file system;
# refuses tmpfs, where every sync would be free and durability would cost nothing. Deleted at exit.
new_scratch() {
  fstype="$(df --output=fstype "$1" | tail -1 | tr -d ' ')"
  [[ "$fstype" != tmpfs ]] || { echo "run: $1 is tmpfs; pass --scratch on a disk" >&2; exit 2; }
  scratch="$(mktemp -d "$1/$2.XXXXXX")"
  trap 'rm -rf -- "$scratch"' EXIT
  trap 'exit 130' INT TERM
}

# build_harness SCOPE CLASSES SOURCE...: packages vault-core (no install: ~/.m2 is shared with
# whoever else builds on this machine), copies its jar into $scratch so that a rebuild in the
# checkout during the run cannot change it, and compiles SOURCE... with BenchSupport.java into
# CLASSES (emptied first). Sets $classpath: the jar and vault-core's dependencies of Maven scope
# SCOPE (runtime, or test for the embedded PostgreSQL server).
build_harness() {
  local scope="$1" classes="$2" jars=() j
  shift 2
  echo "run: building vault-core" >&2
  (cd "$repo" && mvn -B -q -pl vault-core package -DskipTests >&2 &&
    mvn -B -q -pl vault-core dependency:build-classpath -DincludeScope="$scope" -Dmdep.outputFile="$scratch/deps.txt" >&2)
  # The jar just built: one of an earlier version (before a version change) may still lie in target/.
  for j in $(ls -t "$repo"/vault-core/target/vault-core-*.jar); do
    [[ "$j" == *-sources.jar || "$j" == *-javadoc.jar || "$j" == *-tests.jar ]] || { jars+=("$j"); break; }
  done
  ((${#jars[@]} == 1)) || { echo "run: expected one vault-core jar in vault-core/target, found: ${jars[*]:-none}" >&2; exit 1; }
  cp "${jars[0]}" "$scratch/vault-core.jar"
  classpath="$scratch/vault-core.jar:$(cat "$scratch/deps.txt")"
  rm -rf -- "$classes"
  mkdir -p "$classes"
  javac -Xlint:all,-processing -d "$classes" -cp "$classpath" "$repo/benchmarks/lib/BenchSupport.java" "$@"
}

# The commit measured, for the results' header.
commit_of() { git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown; }
