/* provenance.c — see provenance.h. */
#define _POSIX_C_SOURCE 200809L
#include "provenance.h"

#include "gitrev.h"
#include "base/util.h"

#include <cblas.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void ab_iso_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void cpu_model(char *out, size_t cap)
{
    snprintf(out, cap, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "model name", 10)) {
            char *colon = strchr(line, ':');
            if (colon) {
                colon++;
                while (*colon == ' ' || *colon == '\t')
                    colon++;
                colon[strcspn(colon, "\n")] = '\0';
                snprintf(out, cap, "%s", colon);
            }
            break;
        }
    }
    fclose(f);
}

void ab_provenance(struct ab_prov *p)
{
    memset(p, 0, sizeof *p);
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y%m%dT%H%M%SZ", &tm);
    uint64_t salt = ab_mix64((uint64_t)getpid() ^ ((uint64_t)t << 20) ^ (uint64_t)clock());
    snprintf(p->run_id, sizeof p->run_id, "%s-%06llx", now, (unsigned long long)(salt & 0xffffff));
    snprintf(p->git_rev, sizeof p->git_rev, "%s", AB_GIT_REV);
    if (gethostname(p->host, sizeof p->host - 1) != 0)
        snprintf(p->host, sizeof p->host, "unknown");
    cpu_model(p->cpu, sizeof p->cpu);
    snprintf(p->blas, sizeof p->blas, "%s", openblas_get_config());
    snprintf(p->blas_core, sizeof p->blas_core, "%s", openblas_get_corename());
    snprintf(p->device, sizeof p->device, "cpu");
}
