# SPDX-License-Identifier: GPL-2.0
#
# Sourced by scripts/demo and scripts/bench, inside a private user + mount
# namespace: make the shim's system paths private, so that nothing they run
# reads the host's /etc/binfmt-shim/shim.conf or writes the host's log
# or its pinned files.
#   private_system WORKDIR TEXT
# mounts tmpfs on /var/log and /var/tmp, /etc as an overlay whose upper
# layer is WORKDIR/etc, and writes TEXT as /etc/binfmt-shim/shim.conf.
# (tests/lib/testlib.c, tl_private_system, does the same for the tests.)
private_system() {
	local work=$1 text=$2
	mount --make-rprivate /
	mount -t tmpfs tmpfs /var/log
	mount -t tmpfs -o mode=1777 tmpfs /var/tmp
	mkdir -p "$work/etc/upper" "$work/etc/work"
	chmod 755 "$work/etc/upper"	# the overlay's root: /etc's mode
	mount -t overlay overlay \
		-o "lowerdir=/etc,upperdir=$work/etc/upper,workdir=$work/etc/work" /etc
	mkdir -p /etc/binfmt-shim
	printf '%b' "$text" >/etc/binfmt-shim/shim.conf
	# register's pinned files (shim + emulator per arch) and its state
	# (what it replaced, the mount it made) on the private /var/tmp, never
	# in the host's /var/lib/binfmt-shim or /run/binfmt-shim.
	export BINFMT_SHIM_PINNED_DIR=/var/tmp/binfmt-shim-pinned
	export BINFMT_SHIM_STATE_DIR=/var/tmp/binfmt-shim-state
}
