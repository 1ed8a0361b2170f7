#!/usr/bin/env bash
# The main job, end to end on the embedded default (H2), through the real `kinko` command:
# create a demo vault, store a folder of sample work data, list it, read it back, compare,
# add a worker who may read only part of it, then show and verify the access log, offline
# from an exported archive as an auditor would.
# The vault and the sample are left in ./demo-vault for a look around.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kinko="$here/kinko"
work="${KINKO_DEMO_DIR:-$here/demo-vault}"

# bold headings on a terminal only: no escape codes in a piped or logged demo
if [[ -t 1 ]]; then step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }; else step() { printf '\n== %s\n' "$*"; }; fi

rm -rf "$work"
mkdir -p "$work/sample/申請書/2026-11" "$work/sample/台帳"
printf '%%PDF-1.7 申請書 山田太郎 横浜市中区1-2-3\n' > "$work/sample/申請書/2026-11/A-0001.pdf"
printf '%%PDF-1.7 申請書 佐藤花子 横浜市西区4-5-6\n' > "$work/sample/申請書/2026-11/A-0002.pdf"
printf '受付番号,氏名,受付日\nA-0001,山田太郎,2026-11-26\nA-0002,佐藤花子,2026-11-26\n' > "$work/sample/台帳/受付台帳.csv"
head -c 3000000 /dev/urandom > "$work/sample/scan-large.bin"
: > "$work/sample/empty.txt"

# The demo password comes from the environment, the documented escape hatch for scripts.
export KINKO_VAULT="$work/vault" KINKO_USER="sato" KINKO_PASSWORD="demo password, not for real use"

step "build (first use only) and create a vault for contract R8-情報-0042"
"$kinko" init --contract-id "R8-情報-0042" --client "横浜市" --contractor "Kinko 株式会社" \
  --contract-end 2027-03-31 --admin sato

step "the administrator grants themselves access to 受付"
# Deny by default: an administrator manages users and grants, but needs a grant like anyone
# else to read or write files.
"$kinko" grant sato 受付 read,write,delete,export

step "encrypt a folder into the vault"
"$kinko" put "$work/sample" 受付

step "list it"
"$kinko" ls 受付

step "read it back and compare with the original"
"$kinko" get 受付 -o "$work/restored"
diff -r "$work/sample" "$work/restored"
echo "restored copy is identical to the original"

step "what is on disk: no file names, no plaintext"
find "$work/vault" -maxdepth 3 | sed "s#$work/##" | head -n 20
if grep -rq "山田太郎" "$work/vault"; then
  echo "demo: plaintext found in the vault folder" >&2
  exit 1
fi
echo "no plaintext name or content under $work/vault"

step "a worker, tanaka, who may read the application forms (申請書) and nothing else"
# A new user's first password comes from the terminal (asked twice) or from a file; never from
# an argument. KINKO_PASSWORD stays the password of whoever runs the command (here sato).
printf '%s\n' "worker demo password, not for real use" > "$work/tanaka.password"
chmod 600 "$work/tanaka.password"
"$kinko" user add tanaka --role worker --new-password-file "$work/tanaka.password"
"$kinko" grant tanaka 受付/申請書 read
"$kinko" user list
as_tanaka() { KINKO_USER=tanaka "$kinko" "$@" --password-file "$work/tanaka.password"; }
mkdir -p "$work/tanaka"
as_tanaka get 受付/申請書/2026-11/A-0001.pdf -o "$work/tanaka"
cmp "$work/sample/申請書/2026-11/A-0001.pdf" "$work/tanaka/A-0001.pdf"
echo "tanaka read 受付/申請書/2026-11/A-0001.pdf"
as_tanaka get 受付/台帳/受付台帳.csv -o "$work/tanaka" || echo "refused as expected (exit $?)"
if [[ -e "$work/tanaka/受付台帳.csv" ]]; then
  echo "demo: tanaka read the ledger without a grant" >&2
  exit 1
fi

step "who may do what: the grants"
"$kinko" acl

step "tanaka's trail in the access log, the refusal included"
"$kinko" log show --actor tanaka

step "delete a file for good, with a certificate (clause 5(10))"
"$kinko" rm --yes 受付/申請書/2026-11/A-0002.pdf --cert-out "$work/certs"
"$kinko" key export -o "$work/vault.pub.pem"
# The city records this fingerprint at the contract's start and passes it to every verification.
fingerprint="$(openssl pkey -pubin -in "$work/vault.pub.pem" -outform DER | sha256sum | cut -d' ' -f1)"
cert="$(ls "$work"/certs/kinko-deletion-*.json)"
"$kinko" cert verify "$cert" --key "$work/vault.pub.pem" --key-fingerprint "$fingerprint"
echo "--- the same check with openssl and no Kinko code ---"
openssl pkeyutl -verify -rawin -pubin -inkey "$work/vault.pub.pem" -in "$cert" -sigfile "$cert.sig"
"$kinko" cert pdf "$cert" -o "$work/certs/deletion.pdf"
if "$kinko" get 受付/申請書/2026-11/A-0002.pdf -o "$work/gone.pdf" 2>/dev/null; then
  echo "demo: the deleted file could still be read" >&2
  exit 1
fi
echo "the deleted file is gone: get fails as it must"

step "the access log: every operation above, hash-chained and signed"
"$kinko" log show
"$kinko" checkpoint > "$work/witness.checkpoint"
echo "--- signed checkpoint (what the monthly report hands to the city) ---"
cat "$work/witness.checkpoint"
"$kinko" log verify --witness "$work/witness.checkpoint"
"$kinko" log export --from 2000-01-01 --to 2100-01-01 -o "$work/log-archive"
"$kinko" log verify --archive "$work/log-archive" --key "$work/vault.pub.pem" --key-fingerprint "$fingerprint"

step "demo finished: vault in $work/vault"
