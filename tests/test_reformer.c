/* test_reformer.c — methods/reformer: the output and `rows` against a
 * float64 oracle of the formula written from its definition (hashing by
 * argmax over [x R, -x R] in float64, a stable sort by (bucket, position) per
 * round, rounds laid end to end, chunks attending themselves and the
 * previous chunk cyclically, one softmax over the multiset of every round's
 * keys; shared QK: keys normalised, self logit -5e4) with n not a multiple of
 * the chunk, both qk modes, unmasked and padded; one chunk holding every
 * token is exact attention; rotations from a file equal the drawn ones;
 * padding_leak exactly 0; bad parameters. (reformer-pytorch's output:
 * tests/test_peers.c.) */
#include "testlib.h"
#include "formats/npy.h"
#include "reformer/reformer.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_reformer_cpu;

struct rf_case {
    size_t buckets, chunk, nh;
    int shared;
};
static const struct rf_case cases[] = {
    {0, 16, 3, 0}, {0, 16, 3, 1}, {4, 7, 2, 0}, {6, 32, 1, 1}, {2, 50, 4, 0}, {8, 5, 2, 1},
};
static const size_t lengths_203[3] = {150, 203, 11};

static struct ab_values values_of(const struct rf_case *c, const char *file)
{
    char b[32], ch[32], nh[32], qk[32];
    snprintf(b, sizeof b, "buckets=%zu", c->buckets);
    snprintf(ch, sizeof ch, "chunk=%zu", c->chunk);
    snprintf(nh, sizeof nh, "n_hashes=%zu", c->nh);
    snprintf(qk, sizeof qk, "qk=%s", c->shared ? "shared" : "separate");
    return ab_test_values(&ab_reformer_cpu, b, ch, nh, qk, file, NULL);
}

static size_t buckets_of(const struct rf_case *c, size_t n)
{
    if (c->buckets)
        return c->buckets;
    size_t b = (n / c->chunk) & ~(size_t)1;
    return b < 2 ? 2 : b;
}

struct keyed {
    size_t bucket, pos;
};
static int by_bucket_then_pos(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->bucket != y->bucket)
        return x->bucket < y->bucket ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* ord[r L + slot] = token, sorted by (bucket, position) in each round. */
static void sorted_rounds(const float *x, size_t L, size_t D, const float *R, size_t nh,
                          size_t half, size_t *ord)
{
    struct keyed *e = malloc(L * sizeof *e);
    for (size_t r = 0; r < nh; r++) {
        for (size_t t = 0; t < L; t++)
            e[t] = (struct keyed){ab_reformer_bucket(x + t * D, R, D, nh, half, r), t};
        qsort(e, L, sizeof *e, by_bucket_then_pos);
        for (size_t s = 0; s < L; s++)
            ord[r * L + s] = e[s].pos;
    }
    free(e);
}

/* The float64 oracle: out (H N DV), S (H N N): padded rows 0. */
static void oracle(const struct rf_case *c, const struct ab_problem *p, const float *R, double *out,
                   double *S)
{
    size_t N = p->n, D = p->d, DV = p->dv, nh = c->nh, half = buckets_of(c, N) / 2, C = c->chunk;
    memset(out, 0, p->heads * N * DV * 8);
    memset(S, 0, p->heads * N * N * 8);
    for (size_t h = 0; h < p->heads; h++) {
        size_t L = p->mask == AB_MASK_PADDING ? p->lengths[h] : N, T = nh * L, nc = (T + C - 1) / C;
        const float *q = (c->shared ? p->k : p->q) + h * N * D, *k = p->k + h * N * D;
        size_t *qo = malloc(T * sizeof *qo), *ko = malloc(T * sizeof *ko);
        sorted_rounds(q, L, D, R, nh, half, qo);
        sorted_rounds(k, L, D, R, nh, half, ko);
        double *w = S + h * N * N; /* row i: summed exp(logit) per key */
        for (size_t slot = 0; slot < T; slot++) {
            size_t i = qo[slot], cc = slot / C, pc = (cc + nc - 1) % nc;
            size_t chunks[2] = {cc, pc};
            for (int z = 0; z < 2; z++)
                for (size_t ks = chunks[z] * C; ks < (chunks[z] + 1) * C && ks < T; ks++) {
                    size_t j = ko[ks];
                    double dot = 0, n2 = 0;
                    for (size_t e = 0; e < D; e++)
                        dot += (double)q[i * D + e] * k[j * D + e], n2 += (double)k[j * D + e] * k[j * D + e];
                    double lg = dot / sqrt((double)D) / (c->shared ? sqrt(n2) : 1.0);
                    if (c->shared && i == j)
                        lg = -5e4;
                    w[i * N + j] += exp(lg); /* inputs are small: no overflow */
                }
        }
        for (size_t i = 0; i < L; i++) {
            double sum = 0;
            for (size_t j = 0; j < N; j++)
                sum += w[i * N + j];
            for (size_t j = 0; j < N; j++)
                w[i * N + j] /= sum;
            for (size_t e = 0; e < DV; e++) {
                double a = 0;
                for (size_t j = 0; j < N; j++)
                    a += w[i * N + j] * p->v[(h * N + j) * DV + e];
                out[(h * N + i) * DV + e] = a;
            }
        }
        free(qo), free(ko);
    }
}

static const char *mask_name(int mask) { return mask == AB_MASK_PADDING ? "padding" : "none"; }

static void matches_float64_oracle_of_its_formula(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12; /* 203: a multiple of no chunk used */
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 1, 1.0);
    double *ref = malloc(H * N * DV * 8), *S = malloc(H * N * N * 8);
    float *Rows = malloc(AB_ROWS_BLOCK * N * 4);
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask += AB_MASK_PADDING)
        for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
            const struct rf_case *c = &cases[ci];
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v,
                                                         ab_test_seed() + ci, mask,
                                                         mask == AB_MASK_PADDING ? lengths_203 : NULL);
            p.threads = (int)(ci % 2) + 1;
            size_t half = buckets_of(c, N) / 2;
            float *R = malloc(D * c->nh * half * 4);
            ab_reformer_draw(p.seed, D, c->nh, half, R);
            struct ab_values vals = values_of(c, NULL);
            struct ab_err err;
            void *st = NULL;
            assert_int_equal(ab_reformer_cpu.prepare(&p, &vals, &st, &err), AB_OK);
            assert_int_equal(ab_reformer_cpu.forward(st, x.o, &err), AB_OK);
            oracle(c, &p, R, ref, S);
            double worst = 0;
            for (size_t h = 0; h < H; h++)
                for (size_t r0 = 0; r0 < N; r0 += AB_ROWS_BLOCK) {
                    size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
                    assert_int_equal(ab_reformer_cpu.rows(st, h, r0, r1, Rows, &err), AB_OK);
                    for (size_t i = 0; i < (r1 - r0) * N; i++)
                        worst = fmax(worst, fabs(Rows[i] - S[(h * N + r0) * N + i]));
                }
            print_message("%s, buckets %zu chunk %zu n_hashes %zu qk %s: out rel err %.2e, rows "
                          "max abs err %.2e\n", mask_name(mask), buckets_of(c, N), c->chunk, c->nh,
                          c->shared ? "shared" : "separate", ab_test_rel_err(x.o, ref, H * N * DV),
                          worst);
            assert_rel_err(x.o, ref, H * N * DV, 2e-6);
            assert_true(worst < 1e-6);
            ab_reformer_cpu.release(st);
            free(R);
        }
    free(ref), free(S), free(Rows);
    ab_test_in_drop(&x);
}

/* One bucket pair and a chunk of n with one round: one chunk holds every
 * token and looks back at itself, so every key counts twice: exact
 * attention (qk: separate). */
static void one_chunk_of_every_token_is_exact_attention(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 2, 1.3);
    double *ref = malloc(H * N * DV * 8);
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask += AB_MASK_PADDING) {
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 3, mask,
                                                     mask == AB_MASK_PADDING ? lengths_203 : NULL);
        ab_test_attention_masked_f64(&p, ref);
        struct ab_values vals = ab_test_values(&ab_reformer_cpu, "buckets=2", "chunk=203",
                                               "n_hashes=1", NULL);
        struct ab_err err;
        if (ab_test_run_method(&ab_reformer_cpu, &p, &vals, x.o, &err))
            fail_msg("%s", err.msg);
        print_message("%s: rel err vs exact %.2e\n", mask_name(mask), ab_test_rel_err(x.o, ref, H * N * DV));
        assert_rel_err(x.o, ref, H * N * DV, 1e-6);
    }
    free(ref);
    ab_test_in_drop(&x);
}

static void rotations_file_reproduces_the_drawn_rotations(void **s)
{
    (void)s;
    size_t H = 2, N = 128, D = 8, DV = 8, nh = 2, half = 2;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 4, 1.0);
    float *R = malloc(D * nh * half * 4), *o2 = malloc(H * N * DV * 4);
    ab_reformer_draw(99, D, nh, half, R);
    char path[600];
    snprintf(path, sizeof path, "%s/reformer-R.npy", ab_test_tmpdir());
    size_t shape[3] = {D, nh, half};
    struct ab_err err;
    assert_int_equal(ab_npy_write_f32(path, shape, 3, R, &err), AB_OK);
    struct ab_problem p = ab_test_problem(H, N, D, DV, x.q, x.k, x.v, 99);
    struct ab_values drawn = ab_test_values(&ab_reformer_cpu, "buckets=4", "chunk=16", "n_hashes=2",
                                            "qk=shared", NULL);
    assert_int_equal(ab_test_run_method(&ab_reformer_cpu, &p, &drawn, x.o, &err), AB_OK);
    char arg[700];
    snprintf(arg, sizeof arg, "rotations_file=%s", path);
    struct ab_values file = ab_test_values(&ab_reformer_cpu, "buckets=4", "chunk=16", "n_hashes=2",
                                           "qk=shared", arg, NULL);
    p.seed = 12345; /* the file, not the seed, decides */
    assert_int_equal(ab_test_run_method(&ab_reformer_cpu, &p, &file, o2, &err), AB_OK);
    assert_memory_equal(x.o, o2, H * N * DV * 4);
    /* a file of the wrong shape is refused with its expected shape */
    struct ab_values wrong = ab_test_values(&ab_reformer_cpu, "buckets=6", "chunk=16", "n_hashes=2",
                                            arg, NULL);
    struct ab_estimate est;
    assert_int_equal(ab_reformer_cpu.estimate(&p, &wrong, &est, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "(8, 2, 3)"));
    free(R), free(o2);
    ab_test_in_drop(&x);
}

static void padding_leak_is_exactly_zero(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 5, 1.0);
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 5 + ci,
                                                     AB_MASK_PADDING, lengths_203);
        p.threads = (int)(ci % 2) + 1;
        struct ab_values vals = values_of(&cases[ci], NULL);
        double leak = ab_test_leak(&ab_reformer_cpu, &p, &vals, ab_test_seed() + 11 + ci);
        print_message("padding, chunk %zu: leak %.3g\n", cases[ci].chunk, leak);
        assert_true(leak == 0.0);
    }
    ab_test_in_drop(&x);
}

static void odd_buckets_and_causal_are_refused(void **s)
{
    (void)s;
    struct ab_problem p = ab_test_problem(1, 67, 8, 8, NULL, NULL, NULL, 1);
    struct ab_estimate est;
    struct ab_err err;
    struct ab_values odd = ab_test_values(&ab_reformer_cpu, "buckets=5", NULL);
    assert_int_equal(ab_reformer_cpu.estimate(&p, &odd, &est, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "even"));
    assert_false(ab_reformer_cpu.caps & AB_CAP_CAUSAL);
    assert_non_null(ab_reformer_cpu.mask_note);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_float64_oracle_of_its_formula),
        cmocka_unit_test(one_chunk_of_every_token_is_exact_attention),
        cmocka_unit_test(rotations_file_reproduces_the_drawn_rotations),
        cmocka_unit_test(padding_leak_is_exactly_zero),
        cmocka_unit_test(odd_buckets_and_causal_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
