/* round.c — see round.h. */
#include "kernels/round.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline uint32_t bits(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}

static inline float from_bits(uint32_t u)
{
    float x;
    memcpy(&x, &u, 4);
    return x;
}

static inline float bf16_one(float x)
{
    uint32_t u = bits(x);
    uint32_t r = (u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u;
    uint32_t nan = (u & 0x7fffffffu) > 0x7f800000u;
    /* a NaN keeps its sign and becomes quiet (the carry could reach the sign) */
    return from_bits(nan ? ((u | 0x00400000u) & 0xffff0000u) : r);
}

static inline float fp16_one(float x)
{
    uint32_t u = bits(x), sign = u & 0x80000000u, a = u & 0x7fffffffu;
    /* normal range: keep 10 mantissa bits, to nearest even */
    uint32_t rn = (a + 0xfffu + ((a >> 13) & 1u)) & ~0x1fffu;
    /* below 2^-14: multiples of 2^-24; adding 0.5 leaves 2^-24 as the last
     * place of the sum, and the float add rounds it to nearest even */
    float af = from_bits(a);
    float sub = (af + 0.5f) - 0.5f; /* not folded: no -ffast-math here */
    uint32_t rs = bits(sub);
    uint32_t r = a < 0x38800000u ? rs : rn;   /* 2^-14 */
    r = r > 0x477fe000u ? 0x7f800000u : r;    /* above 65504: infinity */
    r = a > 0x7f800000u ? (a | 0x00400000u) : r; /* NaN */
    return from_bits(r | sign);
}

void ab_round_bf16(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = bf16_one(x[i]);
}

void ab_round_fp16(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = fp16_one(x[i]);
}

void ab_round(float *x, size_t n, int precision)
{
    if (precision == AB_PREC_BF16)
        ab_round_bf16(x, n);
    else if (precision == AB_PREC_FP16)
        ab_round_fp16(x, n);
}

float ab_round1(float x, int precision)
{
    return precision == AB_PREC_BF16 ? bf16_one(x) : precision == AB_PREC_FP16 ? fp16_one(x) : x;
}

const char *ab_precision_name(int precision)
{
    return precision == AB_PREC_BF16 ? "bf16" : precision == AB_PREC_FP16 ? "fp16" : "fp32";
}

double ab_precision_unit(int precision)
{
    return precision == AB_PREC_BF16 ? 0x1p-8 : precision == AB_PREC_FP16 ? 0x1p-11 : 0x1p-24;
}

int ab_round_inputs(struct ab_problem *p, float **owned)
{
    *owned = NULL;
    if (p->precision == AB_PREC_FP32)
        return 0;
    /* each array 64-byte aligned, as the harness's own */
    size_t nq = p->heads * p->n * p->d, nv = p->heads * p->n * p->dv;
    size_t sq = (nq + 15) & ~(size_t)15, sv = (nv + 15) & ~(size_t)15;
    float *buf = aligned_alloc(64, (2 * sq + sv + 16) * sizeof(float));
    if (!buf)
        return -1;
    float *q = buf, *k = buf + sq, *v = buf + 2 * sq;
    memcpy(q, p->q, nq * sizeof(float));
    memcpy(k, p->k, nq * sizeof(float));
    memcpy(v, p->v, nv * sizeof(float));
    ab_round(q, nq, p->precision);
    ab_round(k, nq, p->precision);
    ab_round(v, nv, p->precision);
    p->q = q, p->k = k, p->v = v;
    *owned = buf;
    return 0;
}
