# How a `kinko` jar is run: sourced by ./kinko, benchmarks/run and the release archive's bin/kinko
# (as lib/jvm.sh), so all run it the same way.
#
# Class-data sharing (CDS): a command loads ~3,900 classes (picocli, H2, Tink, Bouncy Castle,
# the vault). The JVM can map them, already parsed, from an archive made after one training run
# of the jar, instead of reading them from the jar at every call: 0.3 s less per command on the
# 2-core machine in benchmarks/. The archive is a static one (-Xshare:dump from the training run's
# class list), not the dynamic one -XX:ArchiveClassesAtExit writes: a dynamic archive leaves out
# class files older than Java 6, and picocli's 176 classes are Java 5 ones, so every command
# loaded and verified them from the jar. The archive belongs to one jar file (the JVM checks its
# path, size and time) and is rebuilt whenever the jar is newer.
# No JIT flag: the JVM's defaults compile the AES-GCM and SHA-256 paths in time once the cipher
# itself is native (see vault-core's BlobCipher).

# kinko_jvm_flags JAR: the flags that run JAR with its archive. The JVM says nothing when the
# archive is missing or stale (then it only loses the time): its CDS warnings would go to stdout.
kinko_jvm_flags() {
  printf '%s\n' "-XX:SharedArchiveFile=${1%.jar}.jsa" -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off
}

# kinko_cds_archive JAR: JAR by an absolute path, the one the command will run it by (the archive
# records the path). Writes JAR's archive (JAR without .jar, plus .jsa) if it is missing or
# older than JAR. The training run puts a small file into a throwaway vault, which loads the
# classes of opening a vault, a login, the log, the state check and the stream; it runs with a
# clean environment, so a KINKO_* setting of the caller cannot point it at a real vault or
# database. The archive holds the classes that run listed. Left out of the list: the lambdas
# whose interface is picocli's, since making them at dump time links picocli's old classes, which
# an archive cannot then hold (they are made at run time, as without an archive). A failure only
# costs speed, so it is reported and the command goes on.
kinko_cds_archive() {
  local jar="$1" archive="${1%.jar}.jsa" scratch
  [[ "$jar" == /* ]] || { printf 'kinko_cds_archive: %s is not an absolute path\n' "$jar" >&2; return 0; }
  [[ -f "$archive" && ! "$jar" -nt "$archive" ]] && return 0
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/kinko-cds.XXXXXX")" || return 0
  printf 'kinko: %s\n' 'preparing the class-data archive that makes each command start faster...' >&2
  head -c 100000 /dev/urandom >"$scratch/sample.bin"
  if env -i PATH="$PATH" HOME="$scratch" LC_ALL=C.UTF-8 KINKO_USER=cds KINKO_PASSWORD=throwaway-training-password \
      sh -c 'java -jar "$1" init --vault "$2/v" --contract-id CDS --client CDS --contractor CDS \
               --contract-end 2099-12-31 --admin cds --password-cost minimum \
             && java -jar "$1" grant --vault "$2/v" cds . read,write \
             && java -XX:DumpLoadedClassList="$2/classes" -jar "$1" put --vault "$2/v" "$2/sample.bin" sample.bin \
             && grep -v "^@lambda-proxy .*picocli/" "$2/classes" >"$2/classes.archived" \
             && java -Xshare:dump -XX:SharedClassListFile="$2/classes.archived" -XX:SharedArchiveFile="$3.tmp" \
               -Xlog:cds=off -Xlog:cds+dynamic=off -cp "$1"' \
      sh "$jar" "$scratch" "$archive" >/dev/null 2>"$scratch/err" && [[ -s "$archive.tmp" ]]; then
    mv -f "$archive.tmp" "$archive"
  else
    rm -f "$archive.tmp"
    printf 'kinko: no class-data archive (commands start slower): %s\n' "$(tail -1 "$scratch/err")" >&2
  fi
  rm -rf -- "$scratch"
}

# kinko_utf8_locale: Java 17 on Linux takes the encoding of file names from the locale; Japanese
# names need UTF-8, so a locale that is not UTF-8 is replaced by C.UTF-8.
kinko_utf8_locale() {
  case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
    *UTF-8* | *utf8* | *UTF8* | *utf-8*) ;;
    *) export LC_ALL=C.UTF-8 ;;
  esac
}
