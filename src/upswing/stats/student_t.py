"""Student's t distribution without scipy: the CDF and its inverse.

The CDF goes through the regularized incomplete beta function, evaluated with the
modified Lentz continued fraction (Numerical Recipes, 3rd ed., §6.4), which is accurate
to about 1e-14. The quantile inverts it with a bracketed Newton iteration started from
the Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5). From `ASYMPTOTIC_DF` degrees
of freedom on, that expansion alone is already accurate to ~1e-12 and costs nothing,
which keeps the vectorized intervals fast when many rows have large, distinct samples;
from `ONE_STEP_DF` on, one Newton step from that start is enough, and `student_t_quantiles`
takes that step for many degrees of freedom at once, as arrays.
"""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

import numpy as np

ASYMPTOTIC_DF = 1000
ONE_STEP_DF = 30
_STANDARD_NORMAL = NormalDist()
_CF_MAX_ITERATIONS = 10_000
_CF_EPSILON = 1e-16
_TINY = 1e-300


def student_t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with `df` > 0 degrees of freedom."""
    _check_df(df)
    if math.isnan(t):
        return math.nan
    tail = _upper_tail(abs(t), df)
    return 1.0 - tail if t > 0 else tail


def _upper_tail(t: float, df: float) -> float:
    """P(T > t) for t >= 0, computed directly so that tiny tails keep their precision."""
    if math.isinf(t):
        return 0.0
    t_squared = t * t
    # x = df / (df + t²) and 1 - x computed separately so neither loses precision.
    x = df / (df + t_squared)
    one_minus_x = t_squared / (df + t_squared)
    return 0.5 * regularized_incomplete_beta(df / 2.0, 0.5, x, one_minus_x)


def student_t_pdf(t: float, df: float) -> float:
    """Density of Student's t with `df` degrees of freedom."""
    _check_df(df)
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))


@lru_cache(maxsize=16384)
def student_t_quantile(p: float, df: float) -> float:
    """The t with P(T <= t) = p; inverse of `student_t_cdf`."""
    _check_df(df)
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be in (0, 1), got {p}")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -student_t_quantile(1.0 - p, df)
    if df >= ASYMPTOTIC_DF:
        return _cornish_fisher_quantile(p, df)
    if df >= ONE_STEP_DF:
        return _one_newton_step(p, df)
    return _newton_quantile(p, df)


def student_t_quantiles(p: float, df: np.ndarray) -> np.ndarray:
    """`student_t_quantile(p, d)` for every d of `df`. Where one Newton step from the
    Cornish-Fisher start is enough (`ONE_STEP_DF` <= d < `ASYMPTOTIC_DF`: the samples of most
    scorecard rows), the step is taken for all of them at once, as arrays (the same
    operations, so the same values to the last digits); elsewhere value by value."""
    df = np.asarray(df, dtype=float)
    if 0.0 < p < 0.5:
        return -student_t_quantiles(1.0 - p, df)
    out = np.empty(df.shape)
    stepped = np.zeros(df.shape, dtype=bool)
    if 0.5 < p < 1.0:
        stepped = (df >= ONE_STEP_DF) & (df < ASYMPTOTIC_DF)
    if stepped.any():
        d = df[stepped]
        start = _cornish_fisher_quantile(p, d)
        step = (_upper_tails(start, d) - (1.0 - p)) / _pdfs(start, d)
        small = np.abs(step) <= 1e-7 * np.maximum(1.0, np.abs(start))
        out[np.flatnonzero(stepped)[small]] = (start + step)[small]
        stepped[np.flatnonzero(stepped)[~small]] = False
    for i in np.flatnonzero(~stepped):
        out.flat[i] = student_t_quantile(p, float(df.flat[i]))
    return out


def _pdfs(t: np.ndarray, df: np.ndarray) -> np.ndarray:
    """`student_t_pdf` element by element."""
    log_norm = _lgamma((df + 1) / 2) - _lgamma(df / 2) - 0.5 * np.log(df * math.pi)
    return np.exp(log_norm - (df + 1) / 2 * np.log1p(t * t / df))


def _upper_tails(t: np.ndarray, df: np.ndarray) -> np.ndarray:
    """`_upper_tail` element by element, for finite t >= 0."""
    t_squared = t * t
    x = df / (df + t_squared)
    one_minus_x = t_squared / (df + t_squared)
    return 0.5 * _incomplete_betas(df / 2.0, np.full(df.shape, 0.5), x, one_minus_x)


def _incomplete_betas(a, b, x, one_minus_x) -> np.ndarray:
    """`regularized_incomplete_beta` element by element, for 0 < x < 1."""
    log_front = _lgamma(a + b) - _lgamma(a) - _lgamma(b) + a * np.log(x) + b * np.log(one_minus_x)
    front = np.exp(log_front)
    direct = x < (a + 1.0) / (a + b + 2.0)
    out = np.empty(np.shape(x))
    out[direct] = front[direct] * _beta_continued_fractions(a, b, x, direct) / a[direct]
    mirrored = ~direct
    fraction = _beta_continued_fractions(b, a, one_minus_x, mirrored)
    out[mirrored] = 1.0 - front[mirrored] * fraction / b[mirrored]
    return out


def _beta_continued_fractions(a, b, x, where: np.ndarray) -> np.ndarray:
    """`_beta_continued_fraction` for the elements `where`, each iterated until its own
    step converges (the same steps as one at a time)."""
    a, b, x = a[where], b[where], x[where]
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones(a.shape)
    d = 1.0 / _nonzeros(1.0 - qab * x / qap)
    h = d.copy()
    active = np.arange(a.size)
    for m in range(1, _CF_MAX_ITERATIONS + 1):
        if active.size == 0:
            return h
        aa, bb, xx = a[active], b[active], x[active]
        ab, ap, am = qab[active], qap[active], qam[active]
        dd, cc = d[active], c[active]
        m2 = 2 * m
        even = m * (bb - m) * xx / ((am + m2) * (aa + m2))
        dd = 1.0 / _nonzeros(1.0 + even * dd)
        cc = _nonzeros(1.0 + even / cc)
        hh = h[active] * (dd * cc)
        odd = -(aa + m) * (ab + m) * xx / ((aa + m2) * (ap + m2))
        dd = 1.0 / _nonzeros(1.0 + odd * dd)
        cc = _nonzeros(1.0 + odd / cc)
        step = dd * cc
        h[active], d[active], c[active] = hh * step, dd, cc
        active = active[np.abs(step - 1.0) >= _CF_EPSILON]
    if active.size == 0:
        return h
    raise ArithmeticError("incomplete beta did not converge")


def _nonzeros(values: np.ndarray) -> np.ndarray:
    return np.where(np.abs(values) >= _TINY, values, _TINY)


def _lgamma(values: np.ndarray) -> np.ndarray:
    return np.array([math.lgamma(v) for v in np.ravel(values).tolist()]).reshape(np.shape(values))


def regularized_incomplete_beta(a: float, b: float, x: float, one_minus_x: float) -> float:
    """I_x(a, b); pass 1 - x as well so that x close to 1 keeps its precision."""
    if x <= 0.0:
        return 0.0
    if one_minus_x <= 0.0:
        return 1.0
    log_front = (
        math.lgamma(a + b)
        - math.lgamma(a)
        - math.lgamma(b)
        + a * math.log(x)
        + b * math.log(one_minus_x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, one_minus_x) / b


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction for I_x(a, b) by the modified Lentz method."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = _nonzero(1.0 - qab * x / qap)
    d = 1.0 / d
    h = d
    for m in range(1, _CF_MAX_ITERATIONS + 1):
        m2 = 2 * m
        even = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 / _nonzero(1.0 + even * d)
        c = _nonzero(1.0 + even / c)
        h *= d * c
        odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 / _nonzero(1.0 + odd * d)
        c = _nonzero(1.0 + odd / c)
        step = d * c
        h *= step
        if abs(step - 1.0) < _CF_EPSILON:
            return h
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")


def _nonzero(value: float) -> float:
    return value if abs(value) >= _TINY else _TINY


def _cornish_fisher_quantile(p: float, df: float) -> float:
    """Abramowitz & Stegun 26.7.5: t ~ z + g1/df + g2/df^2 + g3/df^3 + g4/df^4."""
    z = _STANDARD_NORMAL.inv_cdf(p)
    z2 = z * z
    g1 = z * (z2 + 1) / 4
    g2 = z * ((5 * z2 + 16) * z2 + 3) / 96
    g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384
    g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160
    return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df


def _newton_quantile(p: float, df: float) -> float:
    """Solve P(T > t) = 1 - p for p > 0.5 by Newton steps kept inside a shrinking bracket."""
    target_tail = 1.0 - p
    low, high = 0.0, _upper_bracket(target_tail, df)
    t = min(max(_cornish_fisher_quantile(p, df), low), high)
    for _ in range(200):
        excess = _upper_tail(t, df) - target_tail
        if excess > 0:
            low = t
        else:
            high = t
        candidate = t + excess / student_t_pdf(t, df)
        if not low < candidate < high:
            candidate = 0.5 * (low + high)
        if abs(candidate - t) <= 1e-15 * max(1.0, abs(t)):
            return candidate
        t = candidate
    return t


def _one_newton_step(p: float, df: float) -> float:
    """From `ONE_STEP_DF` degrees of freedom on, the Cornish-Fisher start is within about
    1e-7 of the quantile, so one Newton step (quadratic: error squared) is as good as the
    iteration; the iteration still decides when the step is not that small."""
    start = _cornish_fisher_quantile(p, df)
    step = (_upper_tail(start, df) - (1.0 - p)) / student_t_pdf(start, df)
    if abs(step) > 1e-7 * max(1.0, abs(start)):
        return _newton_quantile(p, df)
    return start + step


def _upper_bracket(target_tail: float, df: float) -> float:
    high = 2.0
    while _upper_tail(high, df) > target_tail:
        high *= 2.0
    return high


def _check_df(df: float) -> None:
    if not df > 0:
        raise ValueError(f"degrees of freedom must be positive, got {df}")
