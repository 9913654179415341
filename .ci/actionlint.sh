#!/usr/bin/env bash
# The GitHub Action: actionlint (pinned) on the example workflow and on a
# workflow that uses action.yml, the metadata checks actionlint does not make
# (.ci/actioncheck.go), then the action's run steps executed here with its
# default inputs: on an app with a finding they must annotate it, write
# SARIF and fail; on a clean app they must pass.
set -euo pipefail

# The newest release that builds with the Go of go.mod; bump it on purpose.
ACTIONLINT_VERSION=1.7.12

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BAD_APP=testdata/apps/puma3_default_threads # puma-threads-exceed-pool fires
GOOD_APP=testdata/apps/rails72_generated     # no problems found

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS
elapsed() { printf '(%ds)\n' $((SECONDS - started)); }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step "actionlint v$ACTIONLINT_VERSION"
GOBIN="$work/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
actionlint="$work/bin/actionlint"
"$actionlint" -version | head -1
"$actionlint" docs/github-action-example.yml
echo "docs/github-action-example.yml: ok"

# actionlint reads an action's metadata only when a workflow uses it as a
# local action, inside a project (a git repository with
# .github/workflows). Such a workflow does not belong in this repository's
# .github, where GitHub would run it: build a scratch project around a copy
# of action.yml. Passing every input checks their names too.
project="$work/project"
mkdir -p "$project/.git" "$project/.github/workflows"
cp action.yml "$project/"
cat >"$project/.github/workflows/uses-action.yml" <<'EOF'
name: uses the action
on: pull_request
jobs:
  lint:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
      - uses: ./
        with:
          path: .
          format: github
          fail-on: warning
          sarif-file: poollint.sarif
          version: ""
EOF
"$actionlint" "$project/.github/workflows/uses-action.yml"
echo "action.yml (through a workflow that uses it): ok"
elapsed

step "action.yml metadata"
# Built, not `go run`: go run turns every failing exit code into 1.
go build -o "$work/actioncheck" .ci/actioncheck.go
"$work/actioncheck" action.yml
elapsed

# run_action copies the app $1 into a workspace and runs the action's steps
# there with the default inputs and a SARIF file; the log is $work/$2.log.
run_action() {
	local ws="$work/$2"
	mkdir "$ws"
	cp -R "$1/." "$ws/"
	status=0
	"$work/actioncheck" -run -C "$ws" -with sarif-file=reports/poollint.sarif action.yml >"$work/$2.log" 2>&1 || status=$?
	sarif="$ws/reports/poollint.sarif"
}

step "action on $(basename "$BAD_APP"): must annotate, write SARIF and fail"
run_action "$BAD_APP" bad
if [ "$status" != 1 ] ||
	! grep -qE '^::error .*title=puma-threads-exceed-pool::' "$work/bad.log" ||
	! grep -q '"2\.1\.0"' "$sarif" || ! grep -q 'puma-threads-exceed-pool' "$sarif"; then
	cat "$work/bad.log"
	echo "actionlint.sh: the action exited $status on $(basename "$BAD_APP"); want 1, an ::error annotation for puma-threads-exceed-pool and a SARIF 2.1.0 report" >&2
	exit 1
fi
grep -E '^::' "$work/bad.log"
echo "SARIF: $(wc -c <"$sarif") bytes"
elapsed

step "action on $(basename "$GOOD_APP"): must pass"
run_action "$GOOD_APP" good
if [ "$status" != 0 ] || grep -q '^::error ' "$work/good.log" || ! grep -q '"2\.1\.0"' "$sarif"; then
	cat "$work/good.log"
	echo "actionlint.sh: the action exited $status on $(basename "$GOOD_APP"); want 0, no annotations and a SARIF report" >&2
	exit 1
fi
elapsed

printf '\nactionlint: the example workflow and action.yml pass, and the action fails a bad app and passes a good one\n'
