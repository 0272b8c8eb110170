/* testlib.c — see testlib.h. */
#define _POSIX_C_SOURCE 200809L
#include "testlib.h"

#include "base/rng.h"
#include "base/util.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/stat.h>

uint64_t ab_test_seed(void)
{
    static uint64_t seed;
    static int done;
    if (!done) {
        const char *env = getenv("AB_TEST_SEED");
        if (env && *env)
            seed = strtoull(env, NULL, 0);
        else
            seed = ab_mix64((uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
        fprintf(stderr, "[ seed     ] AB_TEST_SEED=%llu\n", (unsigned long long)seed);
        done = 1;
    }
    return seed;
}

void ab_test_fill_normal(float *x, size_t count, uint64_t seed, double scale)
{
    struct ab_rng r;
    ab_rng_seed(&r, seed, 0x7e57);
    for (size_t i = 0; i < count; i++)
        x[i] = (float)(scale * ab_rng_normal(&r));
}

struct ab_test_in ab_test_in_make(size_t H, size_t N, size_t D, size_t DV, uint64_t seed,
                                  double qk_std)
{
    struct ab_test_in x = {H, N, D, DV, malloc(H * N * D * 4), malloc(H * N * D * 4),
                           malloc(H * N * DV * 4), malloc(H * N * DV * 4)};
    assert_true(x.q && x.k && x.v && x.o);
    ab_test_fill_normal(x.q, H * N * D, seed, qk_std);
    ab_test_fill_normal(x.k, H * N * D, seed + 1, qk_std);
    ab_test_fill_normal(x.v, H * N * DV, seed + 2, 1.0);
    return x;
}

void ab_test_in_drop(struct ab_test_in *x) { free(x->q), free(x->k), free(x->v), free(x->o); }

void ab_test_attn_matrix_f64(size_t N, size_t D, const float *q, const float *k, double *S)
{
    double sc = 1.0 / sqrt((double)D);
    for (size_t i = 0; i < N; i++) {
        double mx = -INFINITY;
        for (size_t j = 0; j < N; j++) {
            double s = 0;
            for (size_t t = 0; t < D; t++)
                s += (double)q[i * D + t] * (double)k[j * D + t];
            S[i * N + j] = s * sc;
            if (S[i * N + j] > mx)
                mx = S[i * N + j];
        }
        double sum = 0;
        for (size_t j = 0; j < N; j++) {
            S[i * N + j] = exp(S[i * N + j] - mx);
            sum += S[i * N + j];
        }
        for (size_t j = 0; j < N; j++)
            S[i * N + j] /= sum;
    }
}

void ab_test_attention_f64(size_t H, size_t N, size_t D, size_t DV, const float *q,
                           const float *k, const float *v, double *out)
{
    double *S = malloc(N * N * sizeof *S);
    assert_non_null(S);
    for (size_t h = 0; h < H; h++) {
        ab_test_attn_matrix_f64(N, D, q + h * N * D, k + h * N * D, S);
        const float *vh = v + h * N * DV;
        double *oh = out + h * N * DV;
        for (size_t i = 0; i < N; i++)
            for (size_t c = 0; c < DV; c++) {
                double s = 0;
                for (size_t j = 0; j < N; j++)
                    s += S[i * N + j] * (double)vh[j * DV + c];
                oh[i * DV + c] = s;
            }
    }
    free(S);
}

static size_t oracle_keys(const struct ab_problem *p, size_t h, size_t i)
{
    size_t valid = p->mask == AB_MASK_PADDING ? p->lengths[h] : p->n;
    if (i >= valid)
        return 0;
    return p->mask == AB_MASK_CAUSAL ? i + 1 : valid;
}

void ab_test_attn_matrix_masked_f64(const struct ab_problem *p, size_t h, double *S)
{
    size_t N = p->n, D = p->d;
    const float *q = p->q + h * N * D, *k = p->k + h * N * D;
    double sc = 1.0 / sqrt((double)D);
    for (size_t i = 0; i < N; i++) {
        size_t kend = oracle_keys(p, h, i);
        double mx = -INFINITY, sum = 0;
        for (size_t j = 0; j < N; j++) {
            double s = 0;
            for (size_t c = 0; c < D; c++)
                s += (double)q[i * D + c] * k[j * D + c];
            S[i * N + j] = j < kend ? s * sc : -INFINITY;
            if (j < kend && S[i * N + j] > mx)
                mx = S[i * N + j];
        }
        for (size_t j = 0; j < N; j++) {
            S[i * N + j] = j < kend ? exp(S[i * N + j] - mx) : 0.0;
            sum += S[i * N + j];
        }
        for (size_t j = 0; j < N && kend; j++)
            S[i * N + j] /= sum;
    }
}

void ab_test_attention_masked_f64(const struct ab_problem *p, double *out)
{
    size_t N = p->n, DV = p->dv;
    double *S = malloc(N * N * sizeof *S);
    assert_non_null(S);
    for (size_t h = 0; h < p->heads; h++) {
        ab_test_attn_matrix_masked_f64(p, h, S);
        const float *vh = p->v + h * N * DV;
        double *oh = out + h * N * DV;
        for (size_t i = 0; i < N; i++)
            for (size_t c = 0; c < DV; c++) {
                double s = 0;
                for (size_t j = 0; j < N; j++)
                    s += S[i * N + j] * (double)vh[j * DV + c];
                oh[i * DV + c] = s;
            }
    }
    free(S);
}

struct ab_problem ab_test_problem_masked(size_t H, size_t N, size_t D, size_t DV, const float *q,
                                         const float *k, const float *v, uint64_t seed, int mask,
                                         const size_t *lengths)
{
    struct ab_problem p = ab_test_problem(H, N, D, DV, q, k, v, seed);
    p.mask = mask;
    p.lengths = lengths;
    return p;
}

double ab_test_leak(const struct ab_method *m, const struct ab_problem *p,
                    const struct ab_values *vals, uint64_t seed)
{
    size_t H = p->heads, N = p->n, D = p->d, DV = p->dv;
    float *q = malloc(H * N * D * 4), *k = malloc(H * N * D * 4), *v = malloc(H * N * DV * 4);
    float *o1 = malloc(H * N * DV * 4), *o2 = malloc(H * N * DV * 4);
    assert_true(q && k && v && o1 && o2);
    memcpy(q, p->q, H * N * D * 4), memcpy(k, p->k, H * N * D * 4), memcpy(v, p->v, H * N * DV * 4);
    int causal = p->mask == AB_MASK_CAUSAL;
    float *fresh = malloc(N * (D > DV ? D : DV) * 4);
    assert_non_null(fresh);
    for (size_t h = 0; h < H; h++) {
        size_t from = causal ? N / 2 : p->lengths[h];
        float *arr[3] = {q, k, v};
        size_t cols[3] = {D, D, DV};
        for (int a = causal ? 1 : 0; a < 3; a++) {
            ab_test_fill_normal(fresh, (N - from) * cols[a], seed + 31 * h + (uint64_t)a, 1.0);
            memcpy(arr[a] + (h * N + from) * cols[a], fresh, (N - from) * cols[a] * 4);
        }
    }
    struct ab_problem p2 = *p;
    p2.q = q, p2.k = k, p2.v = v;
    struct ab_err err = {{0}};
    int rc = ab_test_run_method(m, p, vals, o1, &err);
    if (rc)
        fail_msg("%s: %s", m->name, err.msg);
    rc = ab_test_run_method(m, &p2, vals, o2, &err);
    if (rc)
        fail_msg("%s (perturbed): %s", m->name, err.msg);
    double worst = 0;
    for (size_t h = 0; h < H; h++) {
        size_t valid = p->mask == AB_MASK_PADDING ? p->lengths[h] : N;
        for (size_t i = valid; i < N; i++)
            for (size_t c = 0; c < DV; c++)
                if (o1[(h * N + i) * DV + c] != 0.0f || o2[(h * N + i) * DV + c] != 0.0f)
                    fail_msg("%s: padded output row [%zu, %zu] is not zero", m->name, h, i);
        size_t rows = causal ? N / 2 : valid;
        for (size_t i = 0; i < rows; i++) {
            double dn = 0, nn = 0;
            for (size_t c = 0; c < DV; c++) {
                double a = o1[(h * N + i) * DV + c], b = o2[(h * N + i) * DV + c];
                dn += (b - a) * (b - a), nn += a * a;
            }
            double r = nn > 0 ? sqrt(dn / nn) : sqrt(dn);
            worst = r > worst || r != r ? r : worst;
        }
    }
    free(q), free(k), free(v), free(o1), free(o2), free(fresh);
    return worst;
}

double ab_test_rel_err(const float *got, const double *ref, size_t count)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < count; i++) {
        double e = (double)got[i] - ref[i];
        num += e * e;
        den += ref[i] * ref[i];
    }
    if (!(num == num))
        return INFINITY;
    return den > 0 ? sqrt(num / den) : sqrt(num);
}

double ab_test_rel_err_d(const double *got, const double *ref, size_t count)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < count; i++) {
        double e = got[i] - ref[i];
        num += e * e;
        den += ref[i] * ref[i];
    }
    if (!(num == num))
        return INFINITY;
    return den > 0 ? sqrt(num / den) : sqrt(num);
}

void ab_test_assert_rel_err_(const float *got, const double *ref, size_t count, double tol,
                             const char *expr, const char *file, int line)
{
    double e = ab_test_rel_err(got, ref, count);
    if (!(e <= tol)) {
        print_error("%s:%d: relative error of %s = %.3e exceeds tolerance %.1e\n", file, line, expr,
                    e, tol);
        _fail(file, line);
    }
}

static void *plain_alloc(size_t bytes) { return ab_aligned_alloc(bytes); }

struct ab_problem ab_test_problem(size_t H, size_t N, size_t D, size_t DV, const float *q,
                                  const float *k, const float *v, uint64_t seed)
{
    struct ab_problem p = {.heads = H, .n = N, .d = D, .dv = DV, .q = q, .k = k, .v = v,
                           .seed = seed, .threads = 2, .alloc = plain_alloc,
                           .free = ab_aligned_free};
    return p;
}

int ab_test_run_method(const struct ab_method *m, const struct ab_problem *p,
                       const struct ab_values *vals, float *out, struct ab_err *err)
{
    void *state = NULL;
    int rc = m->prepare(p, vals, &state, err);
    if (rc == AB_OK)
        rc = m->forward(state, out, err);
    m->release(state);
    return rc;
}

struct ab_values ab_test_values(const struct ab_method *m, ...)
{
    struct ab_values vals;
    struct ab_err err;
    int rc = ab_values_defaults(&vals, m->params, m->nparams, &err);
    if (rc)
        fail_msg("defaults of %s: %s", m->name, err.msg);
    va_list ap;
    va_start(ap, m);
    for (const char *kv; (kv = va_arg(ap, const char *));) {
        const char *eq = strchr(kv, '=');
        assert_non_null(eq);
        char key[64];
        snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
        int idx = -1;
        for (int i = 0; i < m->nparams; i++)
            if (!strcmp(m->params[i].name, key))
                idx = i;
        if (idx < 0)
            fail_msg("method %s has no parameter %s", m->name, key);
        rc = ab_value_parse(&m->params[idx], eq + 1, &vals.v[idx], &vals.str[idx], &err);
        if (rc)
            fail_msg("%s: %s", kv, err.msg);
        vals.set[idx] = 1;
    }
    va_end(ap);
    return vals;
}

const char *ab_test_tmpdir(void)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/attnbench-test-XXXXXX");
        if (!mkdtemp(path))
            fail_msg("mkdtemp failed");
    }
    return path;
}

void ab_test_softmax_rows_f64(double *a, size_t rows, size_t cols)
{
    for (size_t r = 0; r < rows; r++) {
        double mx = -INFINITY, sum = 0;
        for (size_t c = 0; c < cols; c++)
            mx = fmax(mx, a[r * cols + c]);
        for (size_t c = 0; c < cols; c++)
            sum += (a[r * cols + c] = exp(a[r * cols + c] - mx));
        for (size_t c = 0; c < cols; c++)
            a[r * cols + c] /= sum;
    }
}

void ab_test_abt_f64(const double *x, const double *y, size_t r, size_t c, size_t k, double s,
                     double *o)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)r, (int)c, (int)k, s, x, (int)k, y,
                (int)k, 0.0, o, (int)c);
}

void ab_test_mm_f64(const double *x, const double *y, size_t r, size_t k, size_t c, double a,
                    double *o)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)r, (int)c, (int)k, a, x, (int)k, y,
                (int)c, 0.0, o, (int)c);
}

void ab_test_pinv_svd_f64(const double *a, size_t m, double *z)
{
    double *x = malloc(m * m * 8), *u = malloc(m * m * 8), *vt = malloc(m * m * 8),
           *sv = malloc(m * 8);
    assert_true(x && u && vt && sv);
    memcpy(x, a, m * m * 8);
    assert_int_equal(LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', (int)m, (int)m, x, (int)m, sv, u,
                                    (int)m, vt, (int)m),
                     0);
    double cut = (double)m * 1.1920928955078125e-07 * sv[0];
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++) {
            double s = 0;
            for (size_t k = 0; k < m; k++)
                if (sv[k] > cut)
                    s += vt[k * m + i] * u[j * m + k] / sv[k];
            z[i * m + j] = s;
        }
    free(x), free(u), free(vt), free(sv);
}

double ab_test_cond2_f64(const double *a, size_t m)
{
    double *x = malloc(m * m * 8), *sv = malloc(m * 8), *sup = malloc(m * 8);
    assert_true(x && sv && sup);
    memcpy(x, a, m * m * 8);
    assert_int_equal(LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', (int)m, (int)m, x, (int)m, sv, NULL,
                                    1, NULL, 1, sup),
                     0);
    double c = sv[m - 1] > 0 ? sv[0] / sv[m - 1] : INFINITY;
    free(x), free(sv), free(sup);
    return c;
}

double ab_test_colmax_f64(const double *a, size_t m)
{
    double best = 0;
    for (size_t c = 0; c < m; c++) {
        double s = 0;
        for (size_t r = 0; r < m; r++)
            s += fabs(a[r * m + c]);
        best = fmax(best, s);
    }
    return best;
}

void ab_test_pinv_iter_f64(const double *a, size_t m, double c, int iters, double *z)
{
    double *az = malloc(m * m * 8), *t1 = malloc(m * m * 8), *t2 = malloc(m * m * 8);
    assert_true(az && t1 && t2);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            z[i * m + j] = a[j * m + i] / c;
    for (int it = 0; it < iters; it++) {
        ab_test_mm_f64(a, z, m, m, m, 1, az);
        for (size_t i = 0; i < m * m; i++)
            t1[i] = -az[i] + (i % (m + 1) == 0 ? 7.0 : 0.0); /* 7I - AZ */
        ab_test_mm_f64(az, t1, m, m, m, -1, t2);
        for (size_t i = 0; i < m; i++)
            t2[i * m + i] += 15; /* 15I - AZ(7I - AZ) */
        ab_test_mm_f64(az, t2, m, m, m, -1, t1);
        for (size_t i = 0; i < m; i++)
            t1[i * m + i] += 13; /* 13I - AZ(...) */
        ab_test_mm_f64(z, t1, m, m, m, 0.25, t2);
        memcpy(z, t2, m * m * 8);
    }
    free(az), free(t1), free(t2);
}

int64_t ab_test_ulps(float a, float b)
{
    int32_t ia, ib;
    memcpy(&ia, &a, 4);
    memcpy(&ib, &b, 4);
    if (ia < 0)
        ia = INT32_MIN - ia;
    if (ib < 0)
        ib = INT32_MIN - ib;
    return llabs((long long)ia - (long long)ib);
}

float ab_test_round_bf16(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    u += 0x7fffu + ((u >> 16) & 1u);
    u &= 0xffff0000u;
    memcpy(&x, &u, 4);
    return x;
}

float ab_test_round_fp16(float x)
{
    if (fabsf(x) < 6.103515625e-05f) /* fp16 subnormals: multiples of 2^-24 */
        return (float)(nearbyint((double)x * 16777216.0) / 16777216.0);
    uint32_t u;
    memcpy(&u, &x, 4);
    u += 0xfffu + ((u >> 13) & 1u); /* keep 10 mantissa bits */
    u &= ~0x1fffu;
    memcpy(&x, &u, 4);
    return x;
}

char *ab_test_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)(n > 0 ? n : 0) + 1);
    assert_non_null(b);
    b[fread(b, 1, (size_t)(n > 0 ? n : 0), f)] = '\0';
    fclose(f);
    return b;
}

const char *ab_test_newdir(const char *name)
{
    static char buf[8][1024];
    static int k;
    char *d = buf[k++ % 8];
    snprintf(d, 1024, "%s/%s", ab_test_tmpdir(), name);
    mkdir(d, 0777);
    return d;
}

int ab_test_run_bin(const char *bin, const char *dir, const char *args, char **output)
{
    char cmd[4096], outp[1200];
    snprintf(outp, sizeof outp, "%s/out.txt", dir);
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s >'%s' 2>&1", dir, bin, args, outp);
    int st = system(cmd);
    char *text = ab_test_slurp(outp);
    if (output)
        *output = text;
    else
        free(text);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
