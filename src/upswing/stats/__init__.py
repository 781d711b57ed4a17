"""Statistics for Upswing's rules: intervals, control charts, trend and agreement.

Pure: numpy and the standard library only (no Django, no Ibis, no scipy).
"""

from upswing.stats.agreement import (
    IccMeanSquares,
    MeasurementLevel,
    compute_icc_mean_squares,
    intraclass_correlation,
    krippendorff_alpha,
)
from upswing.stats.control_charts import CusumResult, EwmaResult, ewma_chart, tabular_cusum
from upswing.stats.intervals import (
    Interval,
    compute_mean_interval,
    compute_wilson_interval,
    mean_interval_arrays,
    t_for_confidence,
    t_for_confidence_array,
    wilson_interval_arrays,
    z_for_confidence,
)
from upswing.stats.student_t import student_t_cdf, student_t_quantile
from upswing.stats.trend import (
    MannKendallResult,
    Trend,
    compute_sen_slope,
    mann_kendall,
)

__all__ = [
    "CusumResult",
    "EwmaResult",
    "IccMeanSquares",
    "Interval",
    "MannKendallResult",
    "MeasurementLevel",
    "Trend",
    "compute_icc_mean_squares",
    "compute_mean_interval",
    "compute_sen_slope",
    "compute_wilson_interval",
    "ewma_chart",
    "intraclass_correlation",
    "krippendorff_alpha",
    "mann_kendall",
    "mean_interval_arrays",
    "student_t_cdf",
    "student_t_quantile",
    "t_for_confidence",
    "t_for_confidence_array",
    "tabular_cusum",
    "wilson_interval_arrays",
    "z_for_confidence",
]
