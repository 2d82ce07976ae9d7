#!/usr/bin/env bash
# The GitHub Action (action.yml) in one script, one subcommand per step, so that tests/action.rs
# can run the steps outside GitHub:
#   prepare  where the build lives and its cache key (nothing to do when sous-path is given);
#            where buf's module cache is and its key, from the buf.lock files
#   install  the sous binary: sous-path, a cached one, the release binary of the action's version
#            (checksum verified), or `cargo install --locked` from the action's own checkout
#   run      sous lint and sous breaking against the event's base commit; outputs and summary
# Inputs arrive as SOUS_* environment variables (action.yml maps them); GitHub's own variables
# (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_OUTPUT, ...) are read as GitHub sets them.
set -euo pipefail

# A workflow command's message: %, CR and LF would end or alter it.
escape() {
  local s=${1//%/%25}
  s=${s//$'\r'/%0D}
  printf '%s' "${s//$'\n'/%0A}"
}
notice() { printf '::notice title=sous::%s\n' "$(escape "$1")"; }
# An error annotation (GitHub reads commands from stdout), then exit 1.
fail() {
  printf '::error title=sous::%s\n' "$(escape "$1")"
  exit 1
}
output() { printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; }

# Sets variable $1 to true or false from input $2's value $3; anything else is a mistake worth
# stopping for.
boolean() {
  case "$3" in
    true | True | TRUE) printf -v "$1" true ;;
    false | False | FALSE) printf -v "$1" false ;;
    *) fail "input $2 must be true or false, not '$3'" ;;
  esac
}

# Why breaking did not run: a notice on the run, a line in the step summary.
skip() {
  notice "breaking skipped: $1"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    printf '### sous breaking: skipped\n\n%s\n\n' "$1" >>"$GITHUB_STEP_SUMMARY"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi | cut -c1-16
}

# buf's module cache (the directory buf uses too, BUF_CACHE_DIR when set), and a cache key from
# the buf.lock files under the input: the modules they pin are downloaded once, then restored by
# actions/cache. No buf.lock, or cache-dependencies: false, gives no key and no cache step.
deps_cache() {
  local dir locks
  dir=${BUF_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/buf}
  output deps-dir "$dir"
  case "${SOUS_CACHE_DEPS:-true}" in
    false | False | FALSE) return ;;
    true | True | TRUE) ;;
    *) fail "input cache-dependencies must be true or false, not '$SOUS_CACHE_DEPS'" ;;
  esac
  local input=${SOUS_INPUT:-.}
  [ -d "$input" ] || input=$(dirname "$input")
  [ -n "$(find "$input" -name buf.lock -type f -not -path '*/.git/*' -print | head -n 1)" ] ||
    return 0
  # Each lock's path and content, in a fixed order (hashFiles' idea, in the script so that
  # tests/cli/action.rs runs it).
  locks=$(find "$input" -name buf.lock -type f -not -path '*/.git/*' -print0 | LC_ALL=C sort -z |
    while IFS= read -r -d '' f; do printf '%s\n' "$f" && cat "$f"; done | sha256)
  local prefix="sous-buf-modules-${RUNNER_OS:-os}-"
  output deps-key "$prefix$locks"
  output deps-restore-key "$prefix"
}

prepare() {
  deps_cache
  if [ -n "${SOUS_PATH:-}" ]; then
    output build false
    return
  fi
  local lock sources
  cd "$GITHUB_ACTION_PATH"
  lock=$(sha256 <Cargo.lock)
  # Everything the action ships, so a new commit of the action never reuses an old binary.
  sources=$(find . -type f -not -path './.git/*' -not -path './target/*' -print0 |
    LC_ALL=C sort -z | xargs -0 cat | sha256)
  local prefix="sous-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-$lock-"
  output build true
  output dir "$HOME/.cache/sous-action"
  output key "$prefix$sources"
  output restore-key "$prefix"
}

# Whether build-from-source is set.
from_source() {
  local yes
  boolean yes build-from-source "${SOUS_BUILD_FROM_SOURCE:-false}"
  [ "$yes" = true ]
}

# The release target of the runner, as scripts/package-release names the assets.
release_target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

# Downloads the release binary of the action's version (Cargo.toml's) into $1/bin from
# release-url, and checks it against the release's SHA-256 file. Returns 1, to build instead,
# when there is no release binary for this runner or version; a checksum that does not match
# fails the step.
download() {
  local dir=$1 version target asset url tmp expected actual
  version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$GITHUB_ACTION_PATH/Cargo.toml" | head -n 1)
  if ! target=$(release_target); then
    echo "sous: no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}; building from source"
    return 1
  fi
  case "$target" in *windows*) asset=sous-$target.zip ;; *) asset=sous-$target.tar.gz ;; esac
  url=${SOUS_RELEASE_URL%/}/v$version/$asset
  tmp=$(mktemp -d)
  if ! curl -fsSL --retry 3 -o "$tmp/$asset" "$url" ||
    ! curl -fsSL --retry 3 -o "$tmp/$asset.sha256" "$url.sha256"; then
    echo "sous: no release asset at $url (or its .sha256); building from source"
    rm -rf "$tmp"
    return 1
  fi
  expected=$(cut -d ' ' -f 1 <"$tmp/$asset.sha256")
  if command -v sha256sum >/dev/null; then
    actual=$(sha256sum <"$tmp/$asset" | cut -d ' ' -f 1)
  else
    actual=$(shasum -a 256 <"$tmp/$asset" | cut -d ' ' -f 1)
  fi
  if [ "$expected" != "$actual" ]; then
    rm -rf "$tmp"
    fail "the SHA-256 of $url is $actual, but $asset.sha256 says $expected: refusing to use it (a damaged download or a tampered release). Set build-from-source: true to build sous instead"
  fi
  mkdir -p "$dir/bin"
  case "$asset" in
    *.zip) unzip -o -q "$tmp/$asset" -d "$dir/bin" ;;
    *) tar -xzf "$tmp/$asset" -C "$dir/bin" ;;
  esac
  rm -rf "$tmp"
  echo "sous: release binary $url (SHA-256 $actual)"
}

install() {
  local sous
  if [ -n "${SOUS_PATH:-}" ]; then
    case "$SOUS_PATH" in
      */*) sous=$(cd "$(dirname "$SOUS_PATH")" && pwd)/$(basename "$SOUS_PATH") ;;
      *) sous=$(command -v "$SOUS_PATH") || fail "sous-path '$SOUS_PATH' is not on PATH" ;;
    esac
    [ -f "$sous" ] && [ -x "$sous" ] || fail "sous-path '$SOUS_PATH' is not an executable file"
  else
    local dir=$SOUS_BUILD_DIR
    sous=$dir/bin/sous
    if [ -x "$sous" ] && [ "$(cat "$dir/key" 2>/dev/null)" = "$SOUS_BUILD_KEY" ]; then
      echo "sous: the cached build of this action's source"
    elif ! from_source && download "$dir"; then
      printf '%s\n' "$SOUS_BUILD_KEY" >"$dir/key"
    else
      command -v cargo >/dev/null ||
        fail "building sous needs cargo (Rust): install it first (for example with dtolnay/rust-toolchain), or give sous-path"
      CARGO_TARGET_DIR="$dir/target" cargo install --locked --force --root "$dir" --path "$GITHUB_ACTION_PATH"
      printf '%s\n' "$SOUS_BUILD_KEY" >"$dir/key"
    fi
    if [ -f "$sous.exe" ]; then sous=$sous.exe; fi
  fi
  "$sous" --version
  output sous "$sous"
}

# Sets `base` to field $1 of the event (empty when absent).
event_field() {
  base=$(jq -r "$1 // empty" "$GITHUB_EVENT_PATH") ||
    fail "cannot read $1 from the event ($GITHUB_EVENT_PATH)"
}

# The directory git runs in: the input's, so a repository checked out under a `path:` works.
git_dir() {
  if [ -d "$SOUS_INPUT" ]; then echo "$SOUS_INPUT"; else dirname "$SOUS_INPUT"; fi
}

# Sets `against` to revision $1, fetched from origin when the checkout lacks it (actions/checkout
# fetches a single commit by default).
present() {
  local rev=$1 dir
  dir=$(git_dir)
  against=$rev
  if git -C "$dir" rev-parse -q --verify "$rev^{commit}" >/dev/null; then
    return
  fi
  echo "sous: $rev is not in the checkout; fetching it: git fetch --no-tags --depth=1 origin $rev"
  git -C "$dir" fetch --no-tags --depth=1 origin "$rev" ||
    fail "could not fetch $rev from origin: check out with actions/checkout's fetch-depth: 0, or set against"
  against=$(git -C "$dir" rev-parse FETCH_HEAD)
}

# Sets `against` to what sous breaking compares with, or to nothing when breaking is skipped.
resolve_against() {
  against=
  local mode base
  case "$SOUS_BREAKING" in
    false | False | FALSE) return ;;
    true | True | TRUE) mode=true ;;
    auto) mode=auto ;;
    *) fail "input breaking must be true, false or auto, not '$SOUS_BREAKING'" ;;
  esac
  if [ -n "$SOUS_AGAINST" ]; then
    # buf's git syntax, a directory or a descriptor set: sous reads them as they are.
    case "$SOUS_AGAINST" in *'#'*)
      against=$SOUS_AGAINST
      return
      ;;
    esac
    if [ -e "$SOUS_AGAINST" ]; then
      against=$SOUS_AGAINST
      return
    fi
    present "$SOUS_AGAINST"
    return
  fi
  command -v jq >/dev/null || fail "reading the event needs jq (on every GitHub-hosted runner); or set against"
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request | pull_request_target) event_field .pull_request.base.sha ;;
    merge_group) event_field .merge_group.base_sha ;;
    push)
      event_field .before
      if [ -z "${base//0/}" ]; then
        skip "this push creates the branch, so there is no earlier commit to compare with"
        return
      fi
      ;;
    *)
      local why="a ${GITHUB_EVENT_NAME:-workflow} event has no base commit: set the action's against input (for example against: main) to compare with"
      if [ "$mode" = auto ]; then
        skip "$why"
        return
      fi
      fail "breaking: $why"
      ;;
  esac
  [ -n "$base" ] || fail "breaking: the ${GITHUB_EVENT_NAME} event names no base commit; set against"
  present "$base"
}

# Runs `sous $1 ARGS...`, the report in the chosen format on stdout; sets `count`.
sous_run() {
  local kind=$1 code
  shift
  local args=("$kind" "$SOUS_INPUT" "$@" "${common[@]}")
  echo "+ sous ${args[*]} --error-format $SOUS_FORMAT"
  set +e
  "$SOUS" "${args[@]}" --error-format "$SOUS_FORMAT" | tee "$tmp/$kind.out"
  code=${PIPESTATUS[0]}
  set -e
  case $code in
    0 | 100) ;;
    *) fail "sous $kind failed (exit $code): see the message above" ;;
  esac
  # github-actions prints one `::error` line per finding (messages are escaped) and appends the
  # step summary; for another format a second run in it, to a file, does both.
  if [ "$SOUS_FORMAT" != github-actions ]; then
    "$SOUS" "${args[@]}" --error-format github-actions --output "$tmp/$kind.out" || [ $? = 100 ] ||
      fail "sous $kind failed"
  fi
  count=$(grep -c '^::error ' "$tmp/$kind.out" || true)
  if [ -n "$SOUS_SARIF_FILE" ]; then
    "$SOUS" "${args[@]}" --error-format sarif --output "$tmp/$kind.sarif" || [ $? = 100 ] ||
      fail "sous $kind --error-format sarif failed"
    # One file with a run per command; GitHub code scanning tells runs of one tool apart by
    # their category (automationDetails.id).
    jq --arg id "sous/$kind/" '.runs[] |= (.automationDetails //= {id: $id})' "$tmp/$kind.sarif" >"$tmp/$kind.sarif.json"
    sarifs+=("$tmp/$kind.sarif.json")
  fi
}

# Adds `$1 LINE` to `common` for every non-blank line of $2, trimmed.
each_line() {
  local line
  while IFS= read -r line; do
    line=${line#"${line%%[![:space:]]*}"}
    line=${line%"${line##*[![:space:]]}"}
    [ -z "$line" ] || common+=("$1" "$line")
  done <<<"$2"
}

run() {
  [ -n "${SOUS:-}" ] || fail "no sous binary: the install step did not run"
  local lint fail_on lint_count=0 breaking_count=0 count
  boolean lint lint "$SOUS_LINT"
  boolean fail_on fail-on-findings "$SOUS_FAIL_ON_FINDINGS"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  common=() sarifs=()
  # shellcheck disable=SC2153 # an input, set by action.yml
  each_line --path "$SOUS_PATHS"
  each_line --exclude-path "$SOUS_EXCLUDE_PATHS"
  [ -z "$SOUS_CONFIG" ] || common+=(--config "$SOUS_CONFIG")
  if [ -n "$SOUS_SARIF_FILE" ]; then
    command -v jq >/dev/null || fail "sarif-file needs jq (on every GitHub-hosted runner)"
  fi

  # First, so that a missing base stops the step before anything runs.
  resolve_against
  if [ "$lint" = true ]; then
    sous_run lint
    lint_count=$count
  fi
  if [ -n "$against" ]; then
    sous_run breaking --against "$against"
    breaking_count=$count
  fi

  local total=$((lint_count + breaking_count))
  output findings "$total"
  output lint-findings "$lint_count"
  output breaking-findings "$breaking_count"
  output against "$against"
  if [ -n "$SOUS_SARIF_FILE" ]; then
    mkdir -p "$(dirname "$SOUS_SARIF_FILE")"
    jq -s '{"$schema": (.[0]["$schema"] // "https://json.schemastore.org/sarif-2.1.0.json"), version: "2.1.0", runs: [.[].runs[]]}' \
      "${sarifs[@]}" </dev/null >"$SOUS_SARIF_FILE"
    output sarif-file "$SOUS_SARIF_FILE"
  else
    output sarif-file ""
  fi
  if [ "$total" -gt 0 ] && [ "$fail_on" = true ]; then
    echo "sous: $total finding(s); failing the step (fail-on-findings: true)"
    exit 100
  fi
}

case "${1:-}" in
  prepare) prepare ;;
  install) install ;;
  run) run ;;
  *)
    echo "usage: action.sh prepare|install|run" >&2
    exit 2
    ;;
esac
