/* test_clustered.c — methods/clustered: output and `rows` against a float64
 * oracle of the formula on the method's own clusters (the assignment from
 * ab_clustered_kmeans; centroids, the centroid softmax, the top-k sets and
 * the improved rows recomputed in float64), n not a multiple of anything,
 * unmasked and padded; one cluster per query, and topk = n, are exact
 * attention; the k-means centroids are the means of their members;
 * padding_leak exactly 0; causal refused with a note. */
#include "testlib.h"
#include "clustered/clustered.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct ab_method ab_clustered_cpu;

struct cl_case {
    size_t C;
    int iters;
    size_t k;
};
static const struct cl_case cases[] = {{7, 10, 0}, {16, 3, 5}, {50, 1, 0}, {3, 5, 40}, {100, 10, 32}};
static const size_t lengths_203[3] = {150, 203, 11};

static struct ab_values values_of(const struct cl_case *c)
{
    char a[32], b[32], d[32];
    snprintf(a, sizeof a, "clusters=%zu", c->C);
    snprintf(b, sizeof b, "iters=%d", c->iters);
    snprintf(d, sizeof d, "topk=%zu", c->k);
    return ab_test_values(&ab_clustered_cpu, a, b, d, NULL);
}

static const char *mask_name(int mask) { return mask == AB_MASK_PADDING ? "padding" : "none"; }

/* The float64 oracle: S (H N N) and out (H N DV); padded rows 0. */
static void oracle(const struct cl_case *cc, const struct ab_problem *p, double *out, double *S)
{
    size_t N = p->n, D = p->d, DV = p->dv;
    memset(out, 0, p->heads * N * DV * 8);
    memset(S, 0, p->heads * N * N * 8);
    for (size_t h = 0; h < p->heads; h++) {
        size_t L = p->mask == AB_MASK_PADDING ? p->lengths[h] : N;
        size_t C = cc->C < L ? cc->C : L, k = cc->k < L ? cc->k : L;
        const float *q = p->q + h * N * D, *kk = p->k + h * N * D, *v = p->v + h * N * DV;
        uint32_t *assign = malloc(L * 4);
        float *centf = malloc(C * D * 4), *work = malloc(ab_clustered_kmeans_floats(D, C) * 4);
        ab_clustered_kmeans(q, L, D, C, cc->iters, p->seed, h, assign, centf, work);
        double *cent = calloc(C * D, 8), *A = malloc(C * L * 8);
        size_t *cnt = calloc(C, sizeof *cnt);
        for (size_t i = 0; i < L; i++) {
            cnt[assign[i]]++;
            for (size_t e = 0; e < D; e++)
                cent[assign[i] * D + e] += q[i * D + e];
        }
        for (size_t c = 0; c < C; c++)
            for (size_t e = 0; e < D; e++)
                cent[c * D + e] /= cnt[c] ? (double)cnt[c] : 1.0;
        for (size_t c = 0; c < C; c++) {
            double mx = -INFINITY, sum = 0;
            for (size_t j = 0; j < L; j++) {
                double dot = 0;
                for (size_t e = 0; e < D; e++)
                    dot += cent[c * D + e] * kk[j * D + e];
                A[c * L + j] = dot / sqrt((double)D);
                mx = fmax(mx, A[c * L + j]);
            }
            for (size_t j = 0; j < L; j++)
                sum += A[c * L + j] = exp(A[c * L + j] - mx);
            for (size_t j = 0; j < L; j++)
                A[c * L + j] /= sum;
        }
        unsigned char *in = malloc(L);
        for (size_t i = 0; i < L; i++) {
            size_t c = assign[i];
            double *row = S + (h * N + i) * N;
            for (size_t j = 0; j < L; j++)
                row[j] = A[c * L + j];
            memset(in, 0, L);
            for (size_t e = 0; e < k; e++) { /* the k largest of A_c (lowest index on ties) */
                size_t best = L;
                for (size_t j = 0; j < L; j++)
                    if (!in[j] && (best == L || A[c * L + j] > A[c * L + best]))
                        best = j;
                in[best] = 1;
            }
            double mass = 0, mx = -INFINITY, z = 0;
            for (size_t j = 0; j < L; j++)
                if (in[j]) {
                    double dot = 0;
                    for (size_t e = 0; e < D; e++)
                        dot += (double)q[i * D + e] * kk[j * D + e];
                    mass += row[j];
                    row[j] = dot / sqrt((double)D); /* now a logit */
                    mx = fmax(mx, row[j]);
                }
            for (size_t j = 0; j < L; j++)
                if (in[j])
                    z += exp(row[j] - mx);
            for (size_t j = 0; j < L; j++)
                if (in[j])
                    row[j] = mass * exp(row[j] - mx) / z;
            for (size_t f = 0; f < DV; f++) {
                double a = 0;
                for (size_t j = 0; j < L; j++)
                    a += row[j] * v[j * DV + f];
                out[(h * N + i) * DV + f] = a;
            }
        }
        free(assign), free(centf), free(work), free(cent), free(A), free(cnt), free(in);
    }
}

static void matches_float64_oracle_on_its_own_clusters(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 1, 1.3);
    double *ref = malloc(H * N * DV * 8), *S = malloc(H * N * N * 8);
    float *R = malloc(AB_ROWS_BLOCK * N * 4);
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask += AB_MASK_PADDING)
        for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
            const struct cl_case *c = &cases[ci];
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v,
                                                         ab_test_seed() + ci, mask,
                                                         mask == AB_MASK_PADDING ? lengths_203 : NULL);
            p.threads = (int)(ci % 2) + 1;
            struct ab_values vals = values_of(c);
            struct ab_err err;
            void *st = NULL;
            assert_int_equal(ab_clustered_cpu.prepare(&p, &vals, &st, &err), AB_OK);
            assert_int_equal(ab_clustered_cpu.forward(st, x.o, &err), AB_OK);
            oracle(c, &p, ref, S);
            double worst = 0;
            for (size_t h = 0; h < H; h++)
                for (size_t r0 = 0; r0 < N; r0 += AB_ROWS_BLOCK) {
                    size_t r1 = r0 + AB_ROWS_BLOCK < N ? r0 + AB_ROWS_BLOCK : N;
                    assert_int_equal(ab_clustered_cpu.rows(st, h, r0, r1, R, &err), AB_OK);
                    for (size_t i = 0; i < (r1 - r0) * N; i++)
                        worst = fmax(worst, fabs(R[i] - S[(h * N + r0) * N + i]));
                }
            print_message("%s, clusters %zu iters %d topk %zu: out rel err %.2e, rows max abs err "
                          "%.2e\n", mask_name(mask), c->C, c->iters, c->k,
                          ab_test_rel_err(x.o, ref, H * N * DV), worst);
            assert_rel_err(x.o, ref, H * N * DV, 2e-6);
            assert_true(worst < 1e-6);
            ab_clustered_cpu.release(st);
        }
    free(ref), free(S), free(R);
    ab_test_in_drop(&x);
}

static void one_cluster_per_query_and_topk_n_are_exact_attention(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 2, 1.3);
    double *ref = malloc(H * N * DV * 8);
    const char *ways[][2] = {{"clusters=203", "topk=0"}, {"clusters=5", "topk=203"}};
    for (int mask = AB_MASK_NONE; mask <= AB_MASK_PADDING; mask += AB_MASK_PADDING)
        for (int w = 0; w < 2; w++) {
            struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 3, mask,
                                                         mask == AB_MASK_PADDING ? lengths_203 : NULL);
            ab_test_attention_masked_f64(&p, ref);
            struct ab_values vals = ab_test_values(&ab_clustered_cpu, ways[w][0], ways[w][1], NULL);
            struct ab_err err;
            if (ab_test_run_method(&ab_clustered_cpu, &p, &vals, x.o, &err))
                fail_msg("%s", err.msg);
            print_message("%s, %s %s: rel err vs exact %.2e\n", mask_name(mask), ways[w][0],
                          ways[w][1], ab_test_rel_err(x.o, ref, H * N * DV));
            assert_rel_err(x.o, ref, H * N * DV, 1e-6);
        }
    free(ref);
    ab_test_in_drop(&x);
}

/* After the last update each centroid is the mean of its members, and every
 * query's nearest centroid of the previous round is its cluster: check the
 * means (float64) and that the assignment is within rounding of nearest. */
static void kmeans_centroids_are_member_means(void **s)
{
    (void)s;
    size_t L = 300, D = 8, C = 9;
    float *q = malloc(L * D * 4), *cent = malloc(C * D * 4), *work = malloc(ab_clustered_kmeans_floats(D, C) * 4);
    uint32_t *assign = malloc(L * 4);
    ab_test_fill_normal(q, L * D, ab_test_seed() + 3, 1.0);
    ab_clustered_kmeans(q, L, D, C, 20, 7, 0, assign, cent, work);
    double worst = 0;
    for (size_t c = 0; c < C; c++) {
        size_t cnt = 0;
        double m[8] = {0};
        for (size_t i = 0; i < L; i++)
            if (assign[i] == c) {
                cnt++;
                for (size_t e = 0; e < D; e++)
                    m[e] += q[i * D + e];
            }
        for (size_t e = 0; e < D && cnt; e++)
            worst = fmax(worst, fabs(m[e] / (double)cnt - cent[c * D + e]));
    }
    print_message("max |centroid - member mean| %.2e\n", worst);
    assert_true(worst < 1e-6);
    free(q), free(cent), free(work), free(assign);
}

static void padding_leak_is_exactly_zero_and_causal_refused(void **s)
{
    (void)s;
    size_t H = 3, N = 203, D = 16, DV = 12;
    struct ab_test_in x = ab_test_in_make(H, N, D, DV, ab_test_seed() + 5, 1.0);
    for (size_t ci = 0; ci < sizeof cases / sizeof cases[0]; ci++) {
        struct ab_problem p = ab_test_problem_masked(H, N, D, DV, x.q, x.k, x.v, 5 + ci,
                                                     AB_MASK_PADDING, lengths_203);
        p.threads = (int)(ci % 2) + 1;
        struct ab_values vals = values_of(&cases[ci]);
        double leak = ab_test_leak(&ab_clustered_cpu, &p, &vals, ab_test_seed() + 11 + ci);
        print_message("padding, clusters %zu topk %zu: leak %.3g\n", cases[ci].C, cases[ci].k, leak);
        assert_true(leak == 0.0);
    }
    assert_false(ab_clustered_cpu.caps & AB_CAP_CAUSAL);
    assert_non_null(ab_clustered_cpu.mask_note);
    ab_test_in_drop(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matches_float64_oracle_on_its_own_clusters),
        cmocka_unit_test(one_cluster_per_query_and_topk_n_are_exact_attention),
        cmocka_unit_test(kmeans_centroids_are_member_means),
        cmocka_unit_test(padding_leak_is_exactly_zero_and_causal_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
