/* test_bigbird.c — methods/bigbird: the block pattern (window, global and
 * distinct random blocks; causal patterns only in the past), the output and
 * `rows` against a float64 softmax over each row's own key set (the blocks
 * of ab_bigbird_blocks, intersected with the mask) with n not a multiple of
 * the block size, a pattern covering every block is exact attention, and
 * both leaks are exactly 0. */
#include "testlib.h"
#include "bigbird/bigbird.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_bigbird_cpu;

static const char *mask_name(int mask)
{
    return mask == AB_MASK_CAUSAL ? "causal" : mask == AB_MASK_PADDING ? "padding" : "none";
}

/* lengths: none a multiple of the blocks used, one n, one under a block */
static const size_t lengths_203[3] = {150, 203, 11};

struct bb_case {
    size_t block, window, global, random;
};
static const struct bb_case cases[] = {
    {16, 1, 1, 3}, {16, 0, 0, 2}, {7, 2, 2, 1}, {32, 1, 0, 0}, {5, 0, 3, 40}, {64, 1, 1, 3},
};

static struct ab_values values_of(const struct bb_case *c)
{
    char b[32], w[32], g[32], r[32];
    snprintf(b, sizeof b, "block=%zu", c->block);
    snprintf(w, sizeof w, "window_blocks=%zu", c->window);
    snprintf(g, sizeof g, "global_blocks=%zu", c->global);
    snprintf(r, sizeof r, "random_blocks=%zu", c->random);
    return ab_test_values(&ab_bigbird_cpu, b, w, g, r, NULL);
}

static struct ab_bigbird_pattern pattern_of(const struct bb_case *c, const struct ab_problem *p,
                                            size_t h)
{
    size_t L = p->mask == AB_MASK_PADDING ? p->lengths[h] : p->n;
    return (struct ab_bigbird_pattern){.block = c->block, .window = c->window, .global = c->global,
                                       .random = c->random, .nb = (L + c->block - 1) / c->block,
                                       .causal = p->mask == AB_MASK_CAUSAL, .seed = p->seed,
                                       .head = h};
}

/* The key set of row i of head h, from the pattern's blocks and the mask's
 * definition (causal j <= i, padding j < L): in[j] = 1. Returns its size. */
static size_t key_set(const struct bb_case *c, const struct ab_problem *p, size_t h, size_t i,
                      unsigned char *in)
{
    size_t N = p->n, L = p->mask == AB_MASK_PADDING ? p->lengths[h] : N, cnt = 0;
    memset(in, 0, N);
    if (i >= L)
        return 0;
    struct ab_bigbird_pattern pt = pattern_of(c, p, h);
    size_t *list = malloc(pt.nb * sizeof *list);
    size_t nl = ab_bigbird_blocks(&pt, i / c->block, list);
    for (size_t e = 0; e < nl; e++)
        for (size_t j = list[e] * c->block; j < (list[e] + 1) * c->block && j < N; j++)
            if (j < L && !(p->mask == AB_MASK_CAUSAL && j > i))
                in[j] = 1, cnt++;
    free(list);
    return cnt;
}

/* The float64 oracle of the formula: row i = softmax over its key set of the
 * exact logits, times V; padded rows 0. S (optional): the H x N x N matrix. */
static void oracle(const struct bb_case *c, const struct ab_problem *p, double *out, double *S)
{
    size_t N = p->n, D = p->d, DV = p->dv;
    double *logit = malloc(N * 8);
    unsigned char *in = malloc(N);
    for (size_t h = 0; h < p->heads; h++)
        for (size_t i = 0; i < N; i++) {
            size_t cnt = key_set(c, p, h, i, in);
            double mx = -INFINITY, sum = 0;
            for (size_t j = 0; j < N; j++) {
                double dot = 0;
                for (size_t t = 0; t < D; t++)
                    dot += (double)p->q[(h * N + i) * D + t] * p->k[(h * N + j) * D + t];
                logit[j] = dot / sqrt((double)D);
                if (in[j])
                    mx = fmax(mx, logit[j]);
            }
            for (size_t j = 0; j < N; j++)
                sum += in[j] ? exp(logit[j] - mx) : 0;
            for (size_t cc = 0; cc < DV; cc++) {
                double acc = 0;
                for (size_t j = 0; j < N; j++)
                    if (in[j])
                        acc += exp(logit[j] - mx) / sum * p->v[(h * N + j) * DV + cc];
                out[(h * N + i) * DV + cc] = cnt ? acc : 0.0;
            }
            if (S)
                for (size_t j = 0; j < N; j++)
                    S[(h * N + i) * N + j] = in[j] ? exp(logit[j] - mx) / sum : 0.0;
        }
    free(logit), free(in);
}

static void pattern_holds_window_global_and_distinct_random_blocks(void **s)
{
    (void)s;
    for (int causal = 0; causal <= 1; causal++)
        for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++)
            for (size_t nb = 1; nb <= 30; nb += 7) {
                const struct bb_case *c = &cases[ci];
                struct ab_bigbird_pattern pt = {.block = c->block, .window = c->window,
                                                .global = c->global, .random = c->random,
                                                .nb = nb, .causal = causal,
                                                .seed = ab_test_seed(), .head = nb};
                size_t list[64];
                assert_true(ab_bigbird_max_blocks(&pt) <= 64);
                for (size_t qb = 0; qb < nb; qb++) {
                    size_t nl = ab_bigbird_blocks(&pt, qb, list);
                    assert_true(nl <= ab_bigbird_max_blocks(&pt));
                    unsigned char has[64] = {0};
                    for (size_t e = 0; e < nl; e++) {
                        assert_true(list[e] < nb);
                        if (e)
                            assert_true(list[e - 1] < list[e]); /* ascending, distinct */
                        if (causal)
                            assert_true(list[e] <= qb);
                        has[list[e]] = 1;
                    }
                    size_t g = c->global < nb ? c->global : nb, lo = qb > c->window ? qb - c->window : 0;
                    size_t hi = causal ? qb : (qb + c->window < nb ? qb + c->window : nb - 1);
                    if (qb < g) { /* global query block: everything it may see */
                        assert_int_equal(nl, causal ? qb + 1 : nb);
                        continue;
                    }
                    size_t structural = 0, cand = 0;
                    for (size_t j = 0; j < nb; j++) {
                        int st = j < g || (j >= lo && j <= hi);
                        structural += (size_t)st;
                        if (st)
                            assert_true(has[j]);
                        else if (!causal || j < lo)
                            cand++;
                    }
                    assert_int_equal(nl - structural, c->random < cand ? c->random : cand);
                }
            }
}

static void matches_float64_softmax_over_its_own_key_sets(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12; /* 203: a multiple of no block size used */
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 1, 1.3);
    double *ref = malloc(H * N * DV * 8), *S = malloc(H * N * N * 8);
    float *R = malloc(AB_ROWS_BLOCK * N * 4);
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask++)
        for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
            const struct bb_case *c = &cases[ci];
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v,
                                                         ab_test_seed() + ci, mask,
                                                         mask == AB_MASK_PADDING ? lengths_203 : NULL);
            p.threads = (int)(ci % 2) + 1;
            struct ab_values vals = values_of(c);
            struct ab_err err;
            void *st = NULL;
            assert_int_equal(ab_bigbird_cpu.prepare(&p, &vals, &st, &err), AB_OK);
            assert_int_equal(ab_bigbird_cpu.forward(st, x.o, &err), AB_OK);
            oracle(c, &p, ref, S);
            double e = ab_test_rel_err(x.o, ref, H * N * DV), worst_rows = 0;
            for (size_t h = 0; h < H; h++)
                for (size_t r0 = 0; r0 < N; r0 += AB_ROWS_BLOCK) {
                    size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
                    assert_int_equal(ab_bigbird_cpu.rows(st, h, r0, r1, R, &err), AB_OK);
                    for (size_t i = 0; i < (r1 - r0) * N; i++)
                        worst_rows = fmax(worst_rows, fabs(R[i] - S[(h * N + r0) * N + i]));
                }
            print_message("%s, block %zu window %zu global %zu random %zu: out rel err %.2e, "
                          "rows max abs err %.2e\n", mask_name(mask), c->block, c->window,
                          c->global, c->random, e, worst_rows);
            assert_rel_err(x.o, ref, H * N * DV, 1e-6);
            assert_true(worst_rows < 1e-6);
            ab_bigbird_cpu.release(st);
        }
    free(ref), free(S), free(R);
    ab_test_in_drop(&x);
}

static void pattern_covering_every_block_is_exact_attention(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 2, 1.3);
    double *ref = malloc(H * N * DV * 8);
    const char *ways[][4] = {{"block=16", "window_blocks=13", "global_blocks=0", "random_blocks=0"},
                             {"block=9", "window_blocks=0", "global_blocks=0", "random_blocks=99"},
                             {"block=50", "window_blocks=0", "global_blocks=5", "random_blocks=0"}};
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask++)
        for (int w = 0; w < 3; w++) {
            if (mask == AB_MASK_CAUSAL && w == 2)
                continue; /* causal: global rows see only the past (covered by w = 0, 1) */
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 7, mask,
                                                         mask == AB_MASK_PADDING ? lengths_203 : NULL);
            ab_test_attention_masked_f64(&p, ref);
            struct ab_values vals = ab_test_values(&ab_bigbird_cpu, ways[w][0], ways[w][1],
                                                   ways[w][2], ways[w][3], NULL);
            struct ab_err err;
            if (ab_test_run_method(&ab_bigbird_cpu, &p, &vals, x.o, &err))
                fail_msg("%s", err.msg);
            print_message("%s, %s %s %s %s: rel err vs exact %.2e\n", mask_name(mask), ways[w][0],
                          ways[w][1], ways[w][2], ways[w][3], ab_test_rel_err(x.o, ref, H * N * DV));
            assert_rel_err(x.o, ref, H * N * DV, 1e-6);
        }
    free(ref);
    ab_test_in_drop(&x);
}

static void causal_and_padding_leaks_are_exactly_zero(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 3, 1.0);
    for (int mask = AB_MASK_CAUSAL; mask <= AB_MASK_PADDING; mask++)
        for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 5 + ci, mask,
                                                         mask == AB_MASK_PADDING ? lengths_203 : NULL);
            p.threads = (int)(ci % 2) + 1;
            struct ab_values vals = values_of(&cases[ci]);
            double leak = ab_test_leak(&ab_bigbird_cpu, &p, &vals, ab_test_seed() + 11 + ci);
            print_message("%s, block %zu: leak %.3g\n", mask_name(mask), cases[ci].block, leak);
            assert_true(leak == 0.0);
        }
    ab_test_in_drop(&x);
}

static void block_beyond_n_is_einval(void **s)
{
    (void)s;
    struct ab_values vals = ab_test_values(&ab_bigbird_cpu, "block=68", NULL);
    struct ab_problem p = ab_test_problem(1, 67, 8, 8, NULL, NULL, NULL, 1);
    struct ab_estimate est;
    struct ab_err err;
    assert_int_equal(ab_bigbird_cpu.estimate(&p, &vals, &est, &err), AB_EINVAL);
    assert_non_null(strstr(err.msg, "block"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pattern_holds_window_global_and_distinct_random_blocks),
        cmocka_unit_test(matches_float64_softmax_over_its_own_key_sets),
        cmocka_unit_test(pattern_covering_every_block_is_exact_attention),
        cmocka_unit_test(causal_and_padding_leaks_are_exactly_zero),
        cmocka_unit_test(block_beyond_n_is_einval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
