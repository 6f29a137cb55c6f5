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
#include <linux/string.h>
#include <linux/sysfs.h>
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
 * the ratelimit dropped.
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
MODULE_PARM_DESC(suppressed, "lines dropped by the ratelimit (read-only)");
module_param_cb(crlf_hints, &counter_ops, &cnt_crlf, 0444);
MODULE_PARM_DESC(crlf_hints, "scripts with a CR-terminated #! line seen (read-only)");

static bool crlf_observer;
module_param(crlf_observer, bool, 0444);
MODULE_PARM_DESC(crlf_observer,
		 "also explain scripts whose #! line ends in CR (default off)");

/*
 * One ratelimit for every line, DEFAULT_RATELIMIT_INTERVAL and _BURST of
 * <linux/ratelimit_types.h> (5 s, 10 lines) unless set. Writing either
 * parameter starts a fresh interval.
 */
static DEFINE_RATELIMIT_STATE(shim_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);
static unsigned int rl_interval_ms = 5000;
static unsigned int rl_burst = DEFAULT_RATELIMIT_BURST;
/* Keeps msecs_to_jiffies() within ratelimit_state's int interval. */
#define RL_INTERVAL_MAX_MS	(24U * 3600 * 1000)

static int rl_set(const char *val, const struct kernel_param *kp)
{
	unsigned long flags;
	unsigned int v;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if ((kp->arg == &rl_interval_ms && v > RL_INTERVAL_MAX_MS) ||
	    v > INT_MAX)
		return -EINVAL;
	*(unsigned int *)kp->arg = v;

	raw_spin_lock_irqsave(&shim_rs.lock, flags);
	shim_rs.interval = msecs_to_jiffies(rl_interval_ms);
	shim_rs.burst = rl_burst;
	shim_rs.begin = 0;
	shim_rs.printed = 0;
	shim_rs.missed = 0;
	raw_spin_unlock_irqrestore(&shim_rs.lock, flags);
	return 0;
}

static const struct kernel_param_ops rl_ops = {
	.set = rl_set,
	.get = param_get_uint,
};

module_param_cb(ratelimit_interval_ms, &rl_ops, &rl_interval_ms, 0644);
MODULE_PARM_DESC(ratelimit_interval_ms,
		 "ratelimit window in ms, 0 for no limit (default 5000)");
module_param_cb(ratelimit_burst, &rl_ops, &rl_burst, 0644);
MODULE_PARM_DESC(ratelimit_burst, "lines per window (default 10)");

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

	if (!__ratelimit(&shim_rs)) {
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
	/* Our counter reports what was dropped; no "callbacks suppressed". */
	ratelimit_set_flags(&shim_rs, RATELIMIT_MSG_ON_RELEASE);

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
