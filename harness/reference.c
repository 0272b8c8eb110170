/* reference.c — see reference.h. Tests: tests/test_reference.c. */
#define _POSIX_C_SOURCE 200809L
#include "reference.h"

#include "spectral.h"
#include "threads.h"
#include "base/util.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REF_MAGIC "ABREF002"
enum { RB = 32 }; /* rows per block in the float64 passes */

void ab_reference_free(struct ab_reference *ref)
{
    if (!ref)
        return;
    free(ref->out);
    free(ref->lse);
    free(ref->fro2);
    free(ref->spec);
    memset(ref, 0, sizeof *ref);
}

static int ref_alloc(struct ab_reference *ref, size_t H, size_t N, size_t DV, struct ab_err *err)
{
    memset(ref, 0, sizeof *ref);
    ref->heads = H, ref->n = N, ref->dv = DV;
    ref->out = malloc(H * N * DV * sizeof(double));
    ref->lse = malloc(H * N * sizeof(double));
    ref->fro2 = calloc(H, sizeof(double));
    ref->spec = malloc(H * sizeof(double));
    if (!ref->out || !ref->lse || !ref->fro2 || !ref->spec) {
        ab_reference_free(ref);
        return ab_errf(err, AB_ENOMEM, "reference: cannot allocate %.1f MiB",
                       (double)(H * N * (DV + 1)) * 8 / 1048576.0);
    }
    for (size_t h = 0; h < H; h++)
        ref->spec[h] = NAN;
    return AB_OK;
}

void ab_reference_rows(const double *qd, const double *kd, const double *lse_h, size_t n, size_t d,
                       size_t valid, int causal, size_t r0, size_t r1, double *S)
{
    double sc = 1.0 / sqrt((double)d);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(r1 - r0), (int)n, (int)d, sc,
                qd + r0 * d, (int)d, kd, (int)d, 0.0, S, (int)n);
    for (size_t r = r0; r < r1; r++) {
        double *row = S + (r - r0) * n, l = lse_h[r];
        size_t kend = r >= valid ? 0 : causal ? r + 1 : valid;
        for (size_t j = 0; j < kend; j++)
            row[j] = exp(row[j] - l);
        for (size_t j = kend; j < n; j++)
            row[j] = 0.0;
    }
}

struct spec_ctx {
    const double *qd, *kd, *lse;
    size_t n, d, valid;
    int causal;
};

static int exact_block(void *ctx, size_t r0, size_t r1, double *rows)
{
    struct spec_ctx *c = ctx;
    ab_reference_rows(c->qd, c->kd, c->lse, c->n, c->d, c->valid, c->causal, r0, r1, rows);
    return AB_OK;
}

int ab_reference_compute(const struct ab_data *d, int threads, int want_spec,
                         struct ab_reference *ref, struct ab_err *err)
{
    size_t H = d->heads, N = d->n, D = d->d, DV = d->dv;
    int rc = ref_alloc(ref, H, N, DV, err);
    if (rc)
        return rc;
    ref->data_id = d->id;
    int T = threads > 0 ? threads : 1;
    double *qd = malloc(N * D * 8), *kd = malloc(N * D * 8), *vd = malloc(N * DV * 8);
    double *work = malloc((size_t)T * RB * N * 8);
    double *ent = calloc(H * N, 8), *f2 = calloc(H * N, 8);
    if (!qd || !kd || !vd || !work || !ent || !f2) {
        free(qd), free(kd), free(vd), free(work), free(ent), free(f2);
        ab_reference_free(ref);
        return ab_errf(err, AB_ENOMEM, "reference: cannot allocate the float64 work buffers");
    }
    double sc = 1.0 / sqrt((double)D);
    for (size_t h = 0; h < H; h++) {
        for (size_t i = 0; i < N * D; i++)
            qd[i] = d->q[h * N * D + i], kd[i] = d->k[h * N * D + i];
        for (size_t i = 0; i < N * DV; i++)
            vd[i] = d->v[h * N * DV + i];
        size_t blocks = (N + RB - 1) / RB;
#pragma omp parallel for schedule(dynamic, 1) num_threads(T)
        for (long b = 0; b < (long)blocks; b++) {
            size_t r0 = (size_t)b * RB, r1 = r0 + RB < N ? r0 + RB : N, rows = r1 - r0;
            double *L = work + (size_t)omp_get_thread_num() * RB * N;
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)N, (int)D, sc,
                        qd + r0 * D, (int)D, kd, (int)D, 0.0, L, (int)N);
            for (size_t r = 0; r < rows; r++) {
                /* one exp per entry: e = exp(s - max); sum e, sum e s, sum e^2;
                 * only over the keys the mask leaves (a padded row: none) */
                double *row = L + r * N, mx = -INFINITY, sum = 0, es = 0, e2 = 0;
                size_t kend = ab_data_keys(d, h, r0 + r);
                for (size_t j = kend; j < N; j++)
                    row[j] = 0.0;
                if (kend == 0) {
                    ref->lse[h * N + r0 + r] = 0.0;
                    ent[h * N + r0 + r] = f2[h * N + r0 + r] = 0.0;
                    continue;
                }
                for (size_t j = 0; j < kend; j++)
                    mx = row[j] > mx ? row[j] : mx;
                for (size_t j = 0; j < kend; j++) {
                    double e = exp(row[j] - mx);
                    sum += e;
                    es += e * row[j];
                    e2 += e * e;
                    row[j] = e;
                }
                double inv = 1.0 / sum;
                for (size_t j = 0; j < kend; j++)
                    row[j] *= inv;
                double lse = mx + log(sum);
                ref->lse[h * N + r0 + r] = lse;
                ent[h * N + r0 + r] = lse - es * inv; /* -sum p log p = lse - sum p s */
                f2[h * N + r0 + r] = e2 * inv * inv;
            }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)DV, (int)N, 1.0,
                        L, (int)N, vd, (int)DV, 0.0, ref->out + (h * N + r0) * DV, (int)DV);
        }
        for (size_t i = 0; i < N; i++)
            ref->fro2[h] += f2[h * N + i];
        if (want_spec) {
            struct spec_ctx c = {qd, kd, ref->lse + h * N, N, D, ab_data_valid(d, h),
                                 d->mask == AB_MASK_CAUSAL};
            double *buf = realloc(work, ab_power_spec_doubles(N) * 8);
            if (!buf) {
                rc = ab_errf(err, AB_ENOMEM, "reference: no memory for the spectral norm");
                break;
            }
            work = buf;
            ab_blas_set_threads(T);
            ref->spec[h] = ab_power_spec(exact_block, &c, N, d->id + h, work);
            ab_blas_set_threads(1);
            double *back = realloc(work, (size_t)T * RB * N * 8);
            if (!back) {
                rc = ab_errf(err, AB_ENOMEM, "reference: no memory");
                break;
            }
            work = back;
        }
    }
    if (rc) {
        free(qd), free(kd), free(vd), free(work), free(ent), free(f2);
        ab_reference_free(ref);
        return rc;
    }
    double e = 0;
    size_t rows_valid = 0;
    for (size_t h = 0; h < H; h++)
        rows_valid += ab_data_valid(d, h);
    for (size_t i = 0; i < H * N; i++)
        e += ent[i];
    ref->entropy = e / (double)rows_valid; /* padded rows: 0 in ent, not counted */
    free(qd), free(kd), free(vd), free(work), free(ent), free(f2);
    return AB_OK;
}

static uint64_t ref_checksum(const struct ab_reference *r)
{
    uint64_t h = AB_HASH_INIT;
    h = ab_hash64(r->out, r->heads * r->n * r->dv * 8, h);
    h = ab_hash64(r->lse, r->heads * r->n * 8, h);
    h = ab_hash64(r->fro2, r->heads * 8, h);
    h = ab_hash64(r->spec, r->heads * 8, h);
    return ab_hash64(&r->entropy, 8, h);
}

int ab_reference_save(const char *path, const struct ab_reference *r, struct ab_err *err)
{
    char tmp[4096];
    ab_tmp_path(path, tmp, sizeof tmp);
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return ab_errf(err, AB_EIO, "%s: %s", tmp, strerror(errno));
    uint64_t hdr[4] = {r->data_id, r->heads, r->n, r->dv}, sum = ref_checksum(r);
    int ok = fwrite(REF_MAGIC, 8, 1, f) == 1 && fwrite(hdr, 8, 4, f) == 4 &&
             fwrite(&r->entropy, 8, 1, f) == 1 && fwrite(r->fro2, 8, r->heads, f) == r->heads &&
             fwrite(r->spec, 8, r->heads, f) == r->heads &&
             fwrite(r->out, 8, r->heads * r->n * r->dv, f) == r->heads * r->n * r->dv &&
             fwrite(r->lse, 8, r->heads * r->n, f) == r->heads * r->n && fwrite(&sum, 8, 1, f) == 1;
    int saved_errno = errno;
    if (fclose(f) != 0 && ok) {
        ok = 0;
        saved_errno = errno;
    }
    if (!ok || rename(tmp, path) != 0) {
        if (ok)
            saved_errno = errno;
        unlink(tmp);
        return ab_errf(err, AB_EIO, "%s: cannot write the reference: %s", path, strerror(saved_errno));
    }
    return AB_OK;
}

int ab_reference_load(const char *path, const struct ab_data *d, int want_spec,
                      struct ab_reference *ref, struct ab_err *err)
{
    memset(ref, 0, sizeof *ref);
    FILE *f = fopen(path, "rb");
    if (!f)
        return ab_errf(err, AB_EIO, "%s: %s", path, strerror(errno));
    char magic[8];
    uint64_t hdr[4], sum = 0;
    if (fread(magic, 8, 1, f) != 1 || memcmp(magic, REF_MAGIC, 8) || fread(hdr, 8, 4, f) != 4 ||
        hdr[0] != d->id || hdr[1] != d->heads || hdr[2] != d->n || hdr[3] != d->dv) {
        fclose(f);
        return ab_errf(err, AB_EIO, "%s: not the reference of data %s", path, d->idhex);
    }
    int rc = ref_alloc(ref, d->heads, d->n, d->dv, err);
    if (rc) {
        fclose(f);
        return rc;
    }
    ref->data_id = d->id;
    size_t H = d->heads, N = d->n, DV = d->dv;
    int ok = fread(&ref->entropy, 8, 1, f) == 1 && fread(ref->fro2, 8, H, f) == H &&
             fread(ref->spec, 8, H, f) == H && fread(ref->out, 8, H * N * DV, f) == H * N * DV &&
             fread(ref->lse, 8, H * N, f) == H * N && fread(&sum, 8, 1, f) == 1 &&
             fgetc(f) == EOF;
    fclose(f);
    if (!ok || sum != ref_checksum(ref)) {
        ab_reference_free(ref);
        return ab_errf(err, AB_EIO, "%s: truncated or corrupt reference", path);
    }
    if (want_spec)
        for (size_t h = 0; h < H; h++)
            if (isnan(ref->spec[h])) {
                ab_reference_free(ref);
                return ab_errf(err, AB_EIO, "%s: has no spectral norms", path);
            }
    return AB_OK;
}
