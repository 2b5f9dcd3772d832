#!/bin/bash
# The Debian package: it builds from a copy of the tree with dpkg-buildpackage, lintian finds no
# error in it, and once installed, the installed nsteer runs its demo, `man nsteer` finds its page
# and bash its completion; removing it takes them away again.
source "$(dirname "$0")/lib.sh"

# copy_tree DIR: the tree's sources (what git tracks, and new files it does not ignore) into DIR,
# without the build's output, as a fresh checkout would have them.
copy_tree() {
	if git -C "$NST_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$NST_ROOT" ls-files -co --exclude-standard -z |
			(cd "$NST_ROOT" && tar --null -cf - -T -) | tar -xf - -C "$1"
	else
		tar -C "$NST_ROOT" --exclude=./.output --exclude=./nsteer --exclude=./nsteer-cni -cf - . |
			tar -xf - -C "$1"
	fi
}

test_deb_builds_lints_installs_and_runs_the_demo() {
	# In the VM the same tree is packaged by the host's run; under TCG a build takes minutes.
	[ -z "${NSTEER_VMTEST:-}" ] || skip "the host's run builds and installs the package"
	local tool
	for tool in dpkg-buildpackage dh lintian; do
		command -v "$tool" >/dev/null || fail "$tool is missing (selftests/install-deps.sh installs it)"
	done
	if dpkg-query -W -f='${Status}' nsteer 2>/dev/null | grep -q 'install ok installed'; then
		skip "an nsteer package is installed on this machine; the test does not replace it"
	fi
	lab_extras
	mkdir "$LAB_TMP/src"
	copy_tree "$LAB_TMP/src"
	(cd "$LAB_TMP/src" && dpkg-buildpackage -b -us -uc) >"$LAB_TMP/build.out" 2>&1 ||
		{ tail -30 "$LAB_TMP/build.out" >&2; fail "dpkg-buildpackage -b -us -uc failed"; }
	local deb
	deb=$(ls "$LAB_TMP"/nsteer_*.deb 2>/dev/null)
	[ -n "$deb" ] || fail "dpkg-buildpackage made no nsteer_*.deb"
	lintian --fail-on error "$deb" >"$LAB_TMP/lintian.out" 2>&1 ||
		{ cat "$LAB_TMP/lintian.out" >&2; fail "lintian finds errors in $(basename "$deb")"; }

	local dev
	dev=$(ls "$LAB_TMP"/libnsteer-dev_*.deb 2>/dev/null)
	[ -n "$dev" ] || fail "dpkg-buildpackage made no libnsteer-dev_*.deb"
	lintian --fail-on error "$dev" >"$LAB_TMP/lintian.out" 2>&1 ||
		{ cat "$LAB_TMP/lintian.out" >&2; fail "lintian finds errors in $(basename "$dev")"; }

	trap 'dpkg -P nsteer libnsteer-dev >/dev/null 2>&1; lab_destroy' EXIT
	dpkg -i "$deb" >"$LAB_TMP/dpkg.out" 2>&1 || { cat "$LAB_TMP/dpkg.out" >&2; fail "dpkg -i failed"; }
	[ "$(command -v nsteer)" = /usr/sbin/nsteer ] || fail "nsteer on PATH is '$(command -v nsteer)', not the package's"
	/usr/sbin/nsteer demo >"$LAB_TMP/demo.out" 2>&1 ||
		{ cat "$LAB_TMP/demo.out" >&2; fail "the installed nsteer's demo failed"; }
	grep -q '^demo: every frame went exactly where it should$' "$LAB_TMP/demo.out" ||
		{ cat "$LAB_TMP/demo.out" >&2; fail "the installed nsteer's demo did not say every frame went where it should"; }
	# Its counters are the status of the uplink it attached, read in the same process.
	grep -A1 "^nsteer's counters:" "$LAB_TMP/demo.out" | grep -q '^nsteer-demo0 (ifindex' ||
		{ cat "$LAB_TMP/demo.out" >&2; fail "the demo's counters did not show its uplink's status"; }
	[ -x /usr/lib/cni/nsteer ] || fail "the package has no CNI plugin at /usr/lib/cni/nsteer"
	# Debian 12's systemd looks for packages' units in /lib/systemd/system; dh_installsystemd
	# enables it (without systemd running, by symlinks only).
	[ -f /lib/systemd/system/nsteer.service ] || fail "the package has no /lib/systemd/system/nsteer.service"
	grep -qxF "ExecStart=/usr/sbin/nsteer apply /etc/nsteer/nsteer.conf" /lib/systemd/system/nsteer.service ||
		fail "the package's nsteer.service does not run /usr/sbin/nsteer apply /etc/nsteer/nsteer.conf"
	[ -L /etc/systemd/system/multi-user.target.wants/nsteer.service ] ||
		fail "installing the package did not enable nsteer.service"
	[ "$(man -w nsteer 2>&1)" = /usr/share/man/man8/nsteer.8.gz ] || fail "man -w nsteer: $(man -w nsteer 2>&1)"
	LC_ALL=C.UTF-8 MANWIDTH=80 man nsteer 2>&1 | grep -q '^NAME' || fail "man nsteer does not render"
	[ "$(bash -c 'source /usr/share/bash-completion/completions/nsteer; complete -p nsteer')" = \
		"complete -F _nsteer nsteer" ] || fail "the installed completion does not complete nsteer"

	# The library, as another program builds on it.
	dpkg -i "$dev" >"$LAB_TMP/dpkg.out" 2>&1 || { cat "$LAB_TMP/dpkg.out" >&2; fail "dpkg -i libnsteer-dev failed"; }
	library_check "" "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)"
	dpkg -P libnsteer-dev >"$LAB_TMP/dpkg.out" 2>&1 || { cat "$LAB_TMP/dpkg.out" >&2; fail "dpkg -P libnsteer-dev failed"; }

	dpkg -r nsteer >"$LAB_TMP/dpkg.out" 2>&1 || { cat "$LAB_TMP/dpkg.out" >&2; fail "dpkg -r failed"; }
	# Purged, the enabling goes too (dpkg -r keeps it, as Debian does for a removed service).
	dpkg -P nsteer >"$LAB_TMP/dpkg.out" 2>&1 || { cat "$LAB_TMP/dpkg.out" >&2; fail "dpkg -P failed"; }
	[ ! -e /etc/systemd/system/multi-user.target.wants/nsteer.service ] ||
		fail "dpkg -P left nsteer.service enabled"
	local f
	for f in /usr/sbin/nsteer /usr/lib/cni/nsteer /usr/share/man/man8/nsteer.8.gz \
		/usr/share/bash-completion/completions/nsteer /lib/systemd/system/nsteer.service; do
		[ ! -e "$f" ] || fail "dpkg -r left $f"
	done
}

run_tests
