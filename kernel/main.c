// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt_shim: the binfmt handler of last resort. It sits at the tail of
 * the formats list, so it runs only when every other handler (ELF, scripts,
 * binfmt_misc entries) declined an exec; it then logs one ratelimited line
 * saying what the file is and what to do, counts it, and declines too: the
 * caller still gets ENOEXEC, exactly as without the module.
 *
 * Optionally (crlf_observer=1) a second handler at the head of the list
 * notices scripts whose "#!" line ends in a carriage return, the one exec
 * failure (ENOENT) that nothing ever explains, and declines as well.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/binfmts.h>
#include <linux/cred.h>
#include <linux/elf.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/namei.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uidgid.h>
#include <linux/version.h>

#include "classify.h"

static struct bshim_host host;

/* Running kernels the shared table has no row for still get a name. */
static const struct bshim_karch unknown_host = {
	.name = "unknown",
	.family = "",
};

/*
 * Counters, read-only under /sys/module/binfmt_shim/parameters/. Each
 * failed exec counts once in failed_total and once in its format, whether
 * or not the ratelimit let its line through; "suppressed" counts the lines
 * the ratelimit dropped (all uids together), "ratelimit_evictions" below
 * the uids that lost an open window for want of a slot.
 */
static atomic_long_t cnt_failed;
static atomic_long_t cnt_fmt[BSHIM_FMT_COUNT];
static atomic_long_t cnt_suppressed;
static atomic_long_t cnt_crlf;

static int counter_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(kp->arg));
}

static int counter_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

static const struct kernel_param_ops counter_ops = {
	.set = counter_set,
	.get = counter_get,
};

module_param_cb(failed_total, &counter_ops, &cnt_failed, 0444);
MODULE_PARM_DESC(failed_total, "execs no handler accepted (read-only)");
module_param_cb(failed_elf, &counter_ops, &cnt_fmt[BSHIM_FMT_ELF], 0444);
MODULE_PARM_DESC(failed_elf, "of which ELF files (read-only)");
module_param_cb(failed_macho, &counter_ops, &cnt_fmt[BSHIM_FMT_MACHO], 0444);
MODULE_PARM_DESC(failed_macho, "of which Mach-O files (read-only)");
module_param_cb(failed_pe, &counter_ops, &cnt_fmt[BSHIM_FMT_PE], 0444);
MODULE_PARM_DESC(failed_pe, "of which PE/MZ files (read-only)");
module_param_cb(failed_unknown, &counter_ops, &cnt_fmt[BSHIM_FMT_UNKNOWN], 0444);
MODULE_PARM_DESC(failed_unknown, "of which anything else (read-only)");
module_param_cb(suppressed, &counter_ops, &cnt_suppressed, 0444);
MODULE_PARM_DESC(suppressed, "lines dropped by the ratelimit, all uids (read-only)");
module_param_cb(crlf_hints, &counter_ops, &cnt_crlf, 0444);
MODULE_PARM_DESC(crlf_hints, "scripts with a CR-terminated #! line seen (read-only)");

static bool crlf_observer;
module_param(crlf_observer, bool, 0444);
MODULE_PARM_DESC(crlf_observer,
		 "also explain scripts whose #! line ends in CR (default off)");

/*
 * The ratelimit, one window per uid.
 *
 * A single window for every line let any user spend everybody's lines: a
 * loop of failing execs kept other users' diagnostics out of the log. So
 * each uid has its own window, keyed by the caller's kuid (current_uid(),
 * the real uid the kernel holds for the task, mapped into no namespace:
 * nothing the caller writes into the exec chooses it). A window follows
 * ___ratelimit() (lib/ratelimit.c, <linux/ratelimit.h>): it opens at a
 * uid's first line, lets ratelimit_burst lines through, and the first line
 * after ratelimit_interval_ms opens the next one; interval 0 lets every
 * line through, burst 0 none. "suppressed" still counts every dropped
 * line, of all uids together.
 *
 * Not a struct ratelimit_state per uid: ___ratelimit() drops the line when
 * raw_spin_trylock() loses to another CPU, so concurrent execs of one uid
 * would lose lines below the burst, and a slot handed to another uid must
 * not be in use on another CPU. One spinlock around the lookup and the
 * accounting does both; it is held for a scan of the table and a few
 * stores, never while printing (report() prints after rl_allow() returns).
 * A plain spinlock: only process context (exec, sysfs writes) takes it.
 *
 * The table: RL_SLOTS fixed slots in .bss, so the exec path allocates
 * nothing (no GFP_ATOMIC, no failure mode) and the memory is bounded
 * whatever the number of uids. 64 slots hold every uid that fails an exec
 * within one window on a real machine (a few users, their services, CI
 * jobs under their own uids) with room to spare; the linear scan of 64
 * slots of 24 bytes (1.5 KiB) costs less than the d_path() each line
 * costs anyway, and only failed execs pay it.
 *
 * A uid with no slot, when none is free, takes the least recently used
 * one: exact LRU by rl_clock, bumped under the lock (jiffies would tie).
 *  - Eviction never silences anybody: the evicted uid starts over with a
 *    full burst. So no caller, however many uids it holds, keeps another
 *    uid's lines out of the log, which is what the per-uid window is for.
 *  - A caller with one uid evicts nobody; its execs refresh only its own
 *    slot. A flooding uid keeps its slot hot (a suppressed line counts as
 *    use), so it is the last candidate and cannot shed its suppression
 *    unless RL_SLOTS other uids fail execs after its last one.
 *  - What eviction can cost is the bound on the total: a caller with more
 *    than RL_SLOTS uids (root, or a user with a subordinate id range
 *    through newuidmap(1)) who cycles through them gets a fresh burst for
 *    each. "ratelimit_evictions" counts the evictions of a slot whose
 *    window was still open (a slot idle for a whole interval holds nothing
 *    a fresh one would not), so this shows.
 * Rejected: uids that find the table full sharing one overflow window.
 * That bounds the total, but whoever fills the table with open windows
 * then silences every newcomer, the crowding-out this design removes.
 */
#define RL_SLOTS	64

struct rl_slot {
	kuid_t uid;
	unsigned int printed;	/* lines let through in this window */
	unsigned long begin;	/* jiffies when this window opened */
	u64 used;		/* rl_clock at the uid's last call, 0: free */
};

static DEFINE_SPINLOCK(rl_lock);
/* Written under rl_lock (the two parameters also under the sysfs lock). */
static struct rl_slot rl_table[RL_SLOTS];
static u64 rl_clock;
static unsigned long rl_interval = DEFAULT_RATELIMIT_INTERVAL;	/* jiffies */
static unsigned int rl_interval_ms = 5000;
static unsigned int rl_burst = DEFAULT_RATELIMIT_BURST;

static atomic_long_t cnt_evicted;
/*
 * Keeps begin + interval within half the range of unsigned long even on
 * 32-bit at HZ=1000, where time_after() stops telling the order.
 */
#define RL_INTERVAL_MAX_MS	(24U * 3600 * 1000)

/* Called with rl_lock held; the test of ___ratelimit(). */
static bool rl_window_over(const struct rl_slot *s, unsigned long now)
{
	return time_after(now, s->begin + rl_interval);
}

/*
 * Whether uid may log a line now: counts it in uid's window (taking a slot
 * for it if it has none). Takes and releases rl_lock; prints nothing.
 */
static bool rl_allow(kuid_t uid)
{
	struct rl_slot *s, *lru = NULL;
	unsigned long now;
	bool ok;
	int i;

	spin_lock(&rl_lock);
	/* Under the lock, so no slot began after this now. */
	now = jiffies;
	if (!rl_interval) {
		spin_unlock(&rl_lock);
		return true;
	}
	/*
	 * Slots fill from the front (the first free slot is the least
	 * recently used) and are only freed all at once (rl_set()), so the
	 * first free slot ends the search.
	 */
	for (i = 0; i < RL_SLOTS; i++) {
		s = &rl_table[i];
		if (s->used && uid_eq(s->uid, uid))
			goto found;
		if (!lru || s->used < lru->used)
			lru = s;
		if (!s->used)
			break;
	}
	s = lru;
	if (s->used && !rl_window_over(s, now))
		atomic_long_inc(&cnt_evicted);
	s->uid = uid;
	s->begin = now;
	s->printed = 0;
found:
	s->used = ++rl_clock;
	if (rl_window_over(s, now)) {
		s->begin = now;
		s->printed = 0;
	}
	ok = s->printed < rl_burst;
	if (ok)
		s->printed++;
	spin_unlock(&rl_lock);
	return ok;
}

/* Writing either parameter empties the table: every uid starts afresh. */
static int rl_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if ((kp->arg == &rl_interval_ms && v > RL_INTERVAL_MAX_MS) ||
	    v > INT_MAX)
		return -EINVAL;

	spin_lock(&rl_lock);
	*(unsigned int *)kp->arg = v;
	rl_interval = msecs_to_jiffies(rl_interval_ms);
	memset(rl_table, 0, sizeof(rl_table));
	spin_unlock(&rl_lock);
	return 0;
}

static const struct kernel_param_ops rl_ops = {
	.set = rl_set,
	.get = param_get_uint,
};

module_param_cb(ratelimit_interval_ms, &rl_ops, &rl_interval_ms, 0644);
MODULE_PARM_DESC(ratelimit_interval_ms,
		 "ratelimit window per uid in ms, 0 for no limit (default 5000)");
module_param_cb(ratelimit_burst, &rl_ops, &rl_burst, 0644);
MODULE_PARM_DESC(ratelimit_burst, "lines per window per uid (default 10)");
module_param_cb(ratelimit_evictions, &counter_ops, &cnt_evicted, 0444);
MODULE_PARM_DESC(ratelimit_evictions,
		 "uids whose open window was dropped for lack of slots (read-only)");

static unsigned int rl_slots = RL_SLOTS;

static const struct kernel_param_ops const_uint_ops = {
	.set = counter_set,
	.get = param_get_uint,
};

module_param_cb(ratelimit_slots, &const_uint_ops, &rl_slots, 0444);
MODULE_PARM_DESC(ratelimit_slots, "uids the ratelimit tracks at once (read-only)");

/*
 * One line per failed exec, also on kernels that walk the list twice.
 *
 * Up to 6.13, search_binary_handler() (fs/exec.c) walks the formats a
 * second time after request_module("binfmt-%04x") whenever the first four
 * bytes are not all printable and modprobe could be started at all, so
 * this handler is called twice for the same exec. We log on the first
 * call and mark the linux_binprm, which lives for exactly one exec
 * (alloc_bprm() .. free_bprm(), kzalloc'ed, so the mark starts clear).
 *
 * Rejected: logging only on the "final" walk. Whether there is a second
 * walk depends on request_module()'s result, which this handler cannot
 * see, so a missing modprobe (initramfs, minimal containers) would lose
 * the line. Remembering the bprm or file pointer in a table of our own
 * cannot tell a second walk from the next exec that reuses the same slab
 * object. The price of logging first: if the module that modprobe loads
 * for binfmt-XXXX takes the exec on the second walk, we logged a failure
 * that did not happen; mainline has no binfmt-XXXX aliases left.
 *
 * The mark is bit 31 of interp_flags, far from the BINPRM_FLAGS_* bits
 * (0-3, <linux/binfmts.h>) that fs/exec.c and binfmt_misc use. 6.14
 * removed the retry ("exec: remove legacy custom binfmt modules
 * autoloading"), so newer kernels need no mark.
 */
#if KERNEL_VERSION(6, 14, 0) > LINUX_VERSION_CODE
#define BSHIM_BPRM_SEEN	BIT(31)

static bool bprm_test_and_mark(struct linux_binprm *bprm)
{
	bool seen = bprm->interp_flags & BSHIM_BPRM_SEEN;

	bprm->interp_flags |= BSHIM_BPRM_SEEN;
	return seen;
}
#else
static bool bprm_test_and_mark(struct linux_binprm *bprm)
{
	return false;
}
#endif

/*
 * path is the file actually opened (bprm->file: symlinks resolved, the
 * interpreter when the failing file is a script's), not the string passed
 * to exec; bprm->filename is only the fallback when d_path() fails. Paths
 * and comm may hold any byte, so both are escaped (%pE): one record stays
 * one line.
 */
static void report(const struct linux_binprm *bprm,
		   const struct bshim_verdict *v)
{
	char comm[TASK_COMM_LEN];
	char *buf, *path;

	if (!rl_allow(current_uid())) {
		atomic_long_inc(&cnt_suppressed);
		return;
	}
	buf = __getname();
	path = buf ? d_path(&bprm->file->f_path, buf, PATH_MAX) :
		     ERR_PTR(-ENOMEM);
	if (IS_ERR(path))
		path = (char *)bprm->filename;
	get_task_comm(comm, current);

	pr_info("exec failed: path=%*pE pid=%d comm=%*pE uid=%u format=%s arch=%s host=%s hint=%s\n",
		(int)strlen(path), path, task_tgid_nr(current),
		(int)strnlen(comm, sizeof(comm)), comm,
		from_kuid_munged(&init_user_ns, current_uid()),
		bshim_fmt_name(v->fmt), v->arch, host.arch->name, v->hint);
	if (buf)
		__putname(buf);
}

static int shim_load_binary(struct linux_binprm *bprm)
{
	struct bshim_verdict v;
	loff_t size;
	size_t len;

	if (bprm_test_and_mark(bprm))
		return -ENOEXEC;

	/* prepare_binprm() read min(size, BINPRM_BUF_SIZE) bytes, rest zero. */
	size = i_size_read(file_inode(bprm->file));
	len = size < 0 ? 0 : min_t(loff_t, size, BINPRM_BUF_SIZE);
	bshim_classify(bprm->buf, len, &host, &v);

	atomic_long_inc(&cnt_failed);
	atomic_long_inc(&cnt_fmt[v.fmt]);
	report(bprm, &v);
	return -ENOEXEC;
}

/* Inserted with register_binfmt(): list_add_tail() in __register_binfmt(). */
static struct linux_binfmt shim_format = {
	.module = THIS_MODULE,
	.load_binary = shim_load_binary,
};

/* fs/binfmt_script.c reads the #! line from the same buffer. */
#define CRLF_INTERP_MAX	BINPRM_BUF_SIZE

static int crlf_load_binary(struct linux_binprm *bprm)
{
	char interp[CRLF_INTERP_MAX];
	struct bshim_verdict v;
	struct path p;
	size_t n;

	if (bprm->buf[0] != '#' || bprm->buf[1] != '!')
		return -ENOEXEC;
	n = bshim_crlf_interp(bprm->buf, BINPRM_BUF_SIZE, interp, sizeof(interp));
	if (!n)
		return -ENOEXEC;
	/* A file whose name really ends in CR makes the exec work: silence. */
	if (!kern_path(interp, LOOKUP_FOLLOW, &p)) {
		path_put(&p);
		return -ENOEXEC;
	}
	if (bprm_test_and_mark(bprm))
		return -ENOEXEC;

	v.fmt = BSHIM_FMT_SCRIPT;
	strscpy(v.arch, "none", sizeof(v.arch));
	snprintf(v.hint, sizeof(v.hint),
		 "convert the script with dos2unix: its #! line ends in CR (DOS line endings), so there is no interpreter \"%*pE\" (ENOENT)",
		 (int)n, interp);
	atomic_long_inc(&cnt_crlf);
	report(bprm, &v);
	return -ENOEXEC;
}

/* Inserted with insert_binfmt(): at the head, before binfmt_script. */
static struct linux_binfmt crlf_format = {
	.module = THIS_MODULE,
	.load_binary = crlf_load_binary,
};

static int __init shim_init(void)
{
	const struct bshim_karch *a;

	/* <asm/elf.h>: what this kernel's own binfmt_elf accepts. */
	a = bshim_arch_by_elf(ELF_CLASS, ELF_DATA, ELF_ARCH, 0);
	host.arch = a ? a : &unknown_host;
#ifdef CONFIG_X86
	host.compat32 = IS_ENABLED(CONFIG_IA32_EMULATION);
#else
	host.compat32 = IS_ENABLED(CONFIG_COMPAT);
#endif
	register_binfmt(&shim_format);
	if (crlf_observer)
		insert_binfmt(&crlf_format);
	pr_info("loaded: host=%s compat32=%d crlf_observer=%d\n",
		host.arch->name, host.compat32, crlf_observer);
	return 0;
}

/*
 * Safe against execs in flight: search_binary_handler() takes a module
 * reference (try_module_get(fmt->module)) around each load_binary call, so
 * this runs only once no call is inside the module, and unregister_binfmt()
 * takes binfmt_lock for writing, which no list walk holds.
 */
static void __exit shim_exit(void)
{
	if (crlf_observer)
		unregister_binfmt(&crlf_format);
	unregister_binfmt(&shim_format);
}

module_init(shim_init);
module_exit(shim_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Explain every exec that no binfmt handler accepts");
