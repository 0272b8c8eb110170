/* isolate.h — run a function in a forked child process, under an
 * address-space cap and a timeout, and get back its fixed-size plain-data
 * reply through a pipe. A crash, a kill, a hang or an exit before the reply
 * is reported to the parent, never suffered by it: this is what makes one
 * measurement's failure one row of the results, and the sweep go on.
 *
 * The child leads its own process group, so that everything it starts is
 * killed with it: at the deadline, on *stop, and once it has ended (a
 * method's helper processes never outlive the row). It dies with the parent
 * (PR_SET_PDEATHSIG, and a check of getppid after setting it): a SIGKILL or
 * SIGHUP of the parent leaves no measurement running.
 *
 * The child starts with SIGINT, SIGTERM and the crash signals (SEGV, BUS,
 * FPE, ILL, ABRT) at their defaults (Ctrl-C in the parent ends it; a crash
 * ends it, whatever handlers the parent had installed), writes its reply in one piece and _exits. The parent
 * polls the pipe until the reply is complete, the child is gone, the
 * deadline passes (the child is then killed with SIGKILL) or *stop becomes
 * non-zero (the child is killed too: an interrupted run keeps no half row).
 *
 * Tests: tests/test_isolate.c. */
#ifndef AB_ISOLATE_H
#define AB_ISOLATE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

enum ab_isolate_outcome {
    AB_ISO_OK,          /* the reply arrived whole */
    AB_ISO_FAILED,      /* pipe or fork failed: nothing ran (msg says why) */
    AB_ISO_TIMEOUT,     /* killed at the deadline */
    AB_ISO_KILLED,      /* ended by SIGKILL it did not get from us: the OOM killer */
    AB_ISO_SIGNAL,      /* ended by another signal (sig) */
    AB_ISO_EXITED,      /* exited (status) before a whole reply */
    AB_ISO_INTERRUPTED, /* *stop was raised: killed, no reply */
};

struct ab_isolate_end {
    int outcome; /* enum ab_isolate_outcome */
    int sig;     /* AB_ISO_SIGNAL, AB_ISO_KILLED: the signal */
    int status;  /* AB_ISO_EXITED: the exit status, -1 if none */
    char msg[160];
};

/* The child's work: compute `reply` (reply_size bytes, plain data) from arg. */
typedef void (*ab_isolate_fn)(const void *arg, void *reply);

/* Run fn(arg, reply) in a child; mem_limit > 0 caps the child's address
 * space at its size at fork + mem_limit + 2 GiB of slack for thread stacks
 * and BLAS buffers (a safety net under the harness allocator's exact limit;
 * not applied under AddressSanitizer, which reserves terabytes of shadow
 * memory). stop may be NULL. On AB_ISO_OK `reply` holds the child's reply;
 * otherwise its contents are unspecified. Returns end->outcome. */
int ab_isolate(ab_isolate_fn fn, const void *arg, void *reply, size_t reply_size, double timeout_s,
               uint64_t mem_limit, volatile sig_atomic_t *stop, struct ab_isolate_end *end);

#endif
