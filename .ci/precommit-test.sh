#!/usr/bin/env bash
# The pre-commit hook under real pre-commit (Debian's package): a scratch
# git repo holding an app with a finding must fail the hook, and the same
# repo holding a clean app must pass it. pre-commit builds the hook itself
# (`go install ./...` in its clone of this repo), so this also proves that
# .pre-commit-hooks.yaml and the module install the way users get them.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT="$(pwd)"
BAD_APP="$REPO_ROOT/testdata/apps/puma3_default_threads" # puma-threads-exceed-pool fires
GOOD_APP="$REPO_ROOT/testdata/apps/rails72_generated"    # no problems found

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS
elapsed() { printf '(%ds)\n' $((SECONDS - started)); }

# Git variables a calling hook may have set would point the scratch repos'
# git commands at the wrong repository.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY

step "pre-commit"
if ! command -v pre-commit >/dev/null; then
	sudo=""
	if [ "$(id -u)" != 0 ]; then
		sudo="sudo"
	fi
	export DEBIAN_FRONTEND=noninteractive
	# Refresh the package lists only when they do not know the package.
	if ! apt-cache show pre-commit >/dev/null 2>&1; then
		$sudo apt-get update -q
	fi
	$sudo apt-get install -y -q pre-commit
fi
pre-commit --version
elapsed

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A store of its own: nothing from the user's ~/.cache/pre-commit is reused.
export PRE_COMMIT_HOME="$work/pre-commit-home"
# pre-commit builds golang hooks with GOPATH set to the hook's environment,
# which would put the module cache there too and download every dependency
# on each run; share the usual module cache instead (the Go module proxy is
# still used for whatever it lacks).
GOMODCACHE="$(go env GOMODCACHE)"
export GOMODCACHE

# commit_all commits everything in the repo at $1 (a scratch repo, never
# this one).
commit_all() {
	git -C "$1" add -A
	git -C "$1" -c user.name=poollint-ci -c user.email=ci@poollint.invalid -c commit.gpgsign=false \
		commit -q -m "$2"
}

step "hook repo: a snapshot of this working tree"
# try-repo on a dirty checkout commits only tracked changes (`git add -u`),
# so new files, .pre-commit-hooks.yaml among them, would be missing.
# Commit a snapshot of the working tree (tracked and untracked files,
# without what .gitignore drops) in a scratch repo and try that instead: the
# same on a clean clone, and right on a work in progress.
hook_repo="$work/hook-repo"
mkdir "$hook_repo"
git -C "$REPO_ROOT" ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do
		# A tracked file deleted in the working tree is not part of it.
		if [ -e "$REPO_ROOT/$f" ] || [ -L "$REPO_ROOT/$f" ]; then
			printf '%s\0' "$f"
		fi
	done |
	tar -C "$REPO_ROOT" --null -T - -cf - | tar -C "$hook_repo" -xf -
git -C "$hook_repo" init -q
commit_all "$hook_repo" "snapshot of the poollint working tree"
elapsed

app_repo="$work/app"
mkdir "$app_repo"
git -C "$app_repo" init -q

# try_hook runs the hook over every file of the app repo, logging to $1.
try_hook() {
	(cd "$app_repo" && pre-commit try-repo "$hook_repo" poollint --all-files --color never) >"$1" 2>&1
}

step "bad app ($(basename "$BAD_APP")): the hook must fail"
cp -R "$BAD_APP/." "$app_repo/"
commit_all "$app_repo" "an app with a finding"
status=0
try_hook "$work/bad.log" || status=$?
if [ "$status" = 0 ] || ! grep -q '\[puma-threads-exceed-pool\]' "$work/bad.log"; then
	cat "$work/bad.log"
	echo "precommit-test: the hook exited $status on $(basename "$BAD_APP"); want a failure reporting puma-threads-exceed-pool" >&2
	exit 1
fi
# pre-commit passed every config file of the app; poollint must lint the
# app they belong to once, not once per file.
if ! grep -q ' in 1 app$' "$work/bad.log"; then
	cat "$work/bad.log"
	echo "precommit-test: want the one app reported once" >&2
	exit 1
fi
grep -E '^(poollint|- hook id|- exit code)|\[puma-threads-exceed-pool\]| in 1 app$' "$work/bad.log"
elapsed

step "fixed app ($(basename "$GOOD_APP")): the hook must pass"
git -C "$app_repo" rm -rq .
cp -R "$GOOD_APP/." "$app_repo/"
commit_all "$app_repo" "fix the app"
status=0
try_hook "$work/good.log" || status=$?
if [ "$status" != 0 ] || ! grep -q '^poollint\.*Passed$' "$work/good.log"; then
	cat "$work/good.log"
	echo "precommit-test: the hook exited $status on $(basename "$GOOD_APP"); want it to pass" >&2
	exit 1
fi
grep '^poollint' "$work/good.log"
elapsed

printf '\nprecommit-test: the hook fails on a bad app and passes on a good one\n'
