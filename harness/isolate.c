/* isolate.c — see isolate.h. */
#define _GNU_SOURCE /* strsignal */
#include "isolate.h"

#include "base/util.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t vm_size_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long pages = 0;
    if (f) {
        if (fscanf(f, "%llu", &pages) != 1)
            pages = 0;
        fclose(f);
    }
    return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w, len -= (size_t)w;
    }
    return 0;
}

static int end_with(struct ab_isolate_end *end, int outcome)
{
    end->outcome = outcome;
    return outcome;
}

int ab_isolate(ab_isolate_fn fn, const void *arg, void *reply, size_t reply_size, double timeout_s,
               uint64_t mem_limit, volatile sig_atomic_t *stop, struct ab_isolate_end *end)
{
    memset(end, 0, sizeof *end);
    end->status = -1;
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(end->msg, sizeof end->msg, "pipe: %s", strerror(errno));
        return end_with(end, AB_ISO_FAILED);
    }
    uint64_t vm = vm_size_bytes();
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(end->msg, sizeof end->msg, "fork: %s", strerror(errno));
        close(fds[0]), close(fds[1]);
        return end_with(end, AB_ISO_FAILED);
    }
    if (pid == 0) {
        /* the child and whatever it starts are one process group, which the
         * parent kills as a whole; and it dies with the parent (SIGKILL on
         * the parent's death, and no start at all if that came first) */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        /* a crash ends the child, whatever handlers the parent had */
        static const int dfl[] = {SIGINT, SIGTERM, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
        for (size_t i = 0; i < sizeof dfl / sizeof dfl[0]; i++)
            signal(dfl[i], SIG_DFL);
        close(fds[0]);
#if !defined(__SANITIZE_ADDRESS__)
        if (mem_limit) {
            struct rlimit rl;
            rl.rlim_cur = rl.rlim_max = vm + mem_limit + (2ull << 30);
            setrlimit(RLIMIT_AS, &rl);
        }
#else
        (void)vm, (void)mem_limit;
#endif
        fn(arg, reply);
        int ok = write_all(fds[1], reply, reply_size) == 0;
        close(fds[1]);
        _exit(ok ? 0 : 1);
    }
    close(fds[1]);
    setpgid(pid, pid); /* (also here: no race with the child's own call) */
    size_t got = 0;
    char *buf = reply;
    double deadline = ab_now() + timeout_s;
    int timed_out = 0, stopped = 0;
    for (;;) {
        double left = deadline - ab_now();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd pf = {.fd = fds[0], .events = POLLIN};
        int pr = poll(&pf, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
        if (stop && *stop) {
            stopped = 1;
            break;
        }
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        ssize_t r = read(fds[0], buf + got, reply_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* EOF: the child is gone */
        got += (size_t)r;
        if (got == reply_size)
            break;
    }
    close(fds[0]);
    /* the group, before the child is reaped (its id cannot be reused yet):
     * at the deadline or on stop the child itself, and in every case any
     * helper process it left behind */
    kill(-pid, SIGKILL);
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
        ;
    if (stopped)
        return end_with(end, AB_ISO_INTERRUPTED);
    if (timed_out) {
        snprintf(end->msg, sizeof end->msg, "killed after the %.3g s timeout", timeout_s);
        return end_with(end, AB_ISO_TIMEOUT);
    }
    if (got == reply_size)
        return end_with(end, AB_ISO_OK);
    if (WIFSIGNALED(wst)) {
        end->sig = WTERMSIG(wst);
        if (end->sig == SIGKILL) {
            snprintf(end->msg, sizeof end->msg,
                     "killed by SIGKILL (the kernel's OOM killer, most likely)");
            return end_with(end, AB_ISO_KILLED);
        }
        snprintf(end->msg, sizeof end->msg, "killed by signal %d (%s)", end->sig,
                 strsignal(end->sig));
        return end_with(end, AB_ISO_SIGNAL);
    }
    end->status = WIFEXITED(wst) ? WEXITSTATUS(wst) : -1;
    snprintf(end->msg, sizeof end->msg, "exited with status %d before reporting", end->status);
    return end_with(end, AB_ISO_EXITED);
}
