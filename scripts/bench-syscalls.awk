# SPDX-License-Identifier: GPL-2.0
#
# Syscalls per exec, from `strace -f -s 256 -o FILE bench_exec --trace`
# (scripts/bench). bench_exec writes a marker, write(-1, "cell PROGRAM|
# WHERE|VARIANT|PATH"), before each cell's one exec; from that cell's
# execve of PATH on, every syscall of that process and of the threads it
# clones is counted (an unfinished call once, not again when it resumes).
# The shim's share: the exec'd process's syscalls before the emulator's
# first one, its brk(NULL) (qemu's glibc start; the shim itself never
# calls brk on the way: no malloc), by name.

function flush(   p, q, tot, k, names) {
	if (cell == "")
		return
	if (!gpid) {
		printf "  %-40s no execve of %s seen\n", cell, path
		cell = ""
		return
	}
	tot = 0
	for (p in cnt) {
		for (q = p; q != "" && q != gpid; q = parent[q])
			;
		if (q == gpid)
			tot += cnt[p]
	}
	tot -= pre
	names = ""
	for (k in shimby)
		names = names sprintf(" %s=%d", k, shimby[k])
	if (variant ~ /^direct/)
		base[key] = tot
	printf "  %-9s %-10s %-17s %5d syscalls", prog, where, variant, tot
	if (variant !~ /^direct/)
		printf " (%+d); the shim's own: %d:%s", tot - base[key], shim, names
	printf "\n"
	cell = ""
}

/write\(-1, "cell / {
	flush()
	s = $0
	sub(/.*write\(-1, "cell /, "", s)
	sub(/".*/, "", s)
	split(s, f, "|")
	prog = f[1]; where = f[2]; variant = f[3]; path = f[4]
	key = prog "|" where
	cell = s
	gpid = ""; pre = 0; shim = 0; done = 0
	delete cnt; delete parent; delete shimby
	next
}

cell == "" { next }

{
	pid = $1
	resumed = $0 ~ /<\.\.\. [a-z0-9_]+ resumed>/
	# a clone's result may come with its resumed line
	if ($0 ~ /(clone|clone3|vfork|fork)[ (]/ && match($0, /= [0-9]+$/))
		parent[substr($0, RSTART + 2)] = pid
	if (resumed || $2 ~ /^(\+\+\+|---)/)
		next
	cnt[pid]++
	if (!gpid && index($0, "execve(\"" path "\"") == 2 + length(pid)) {
		gpid = pid
		pre = cnt[pid]
		next
	}
	if (pid == gpid && !done) {
		if ($2 ~ /^brk\(NULL\)/) {
			done = 1
			next
		}
		name = $2
		sub(/\(.*/, "", name)
		shim++
		shimby[name]++
	}
}

END { flush() }
