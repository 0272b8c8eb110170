/* provenance.h — where a row was measured: run id, date, git revision, host,
 * CPU model, BLAS and its core type. Tests: tests/test_cli.c (columns filled). */
#ifndef AB_PROVENANCE_H
#define AB_PROVENANCE_H

struct ab_prov {
    char run_id[48];
    char git_rev[64];
    char host[128];
    char cpu[160];
    char blas[192];
    char blas_core[64];
    char device[64];
};

void ab_provenance(struct ab_prov *p);
/* Current UTC time as 2026-11-22T10:54:00Z. */
void ab_iso_now(char out[32]);

#endif
