"""Statistical process control for monthly counts: the XmR chart of NHS England's "Making Data
Count" (MDC) programme. Pure functions over lists of numbers; no Django.

Conventions (stated, because implementations differ at the edges):

- Process limits are mean ± 2.66 × the mean moving range (the moving range being the absolute
  difference between consecutive points). Limits are computed from every point given; the
  lower limit is not floored at zero (the chart does that when drawing).
- Rule 1, **astronomical point**: a point above the upper or below the lower limit.
- Rule 2, **shift**: a run of 7 or more consecutive points all above, or all below, the mean.
  A point exactly on the mean ends the run (it is on neither side).
- Rule 3, **trend**: 7 or more consecutive points each strictly higher (or strictly lower)
  than the one before; two equal points end the trend.
- Rule 4, **two out of three**: two or three points out of three consecutive ones beyond two
  sigma (two thirds of the way from the mean to a limit) on the same side of the mean; the
  points beyond two sigma in such a window are flagged (a point on or inside two sigma is not).
  Sigma is estimated as the mean moving range / 1.128, so two sigma is 2/3 × 2.66 × mR-bar.
- Every point in a qualifying run, trend or window is flagged, not only the seventh.

The variation icon summarises the latest point: "common cause" unless it is flagged by a
rule, then "special cause" high or low (which side of the mean it is on; for a trend, its
direction). For complaints and contacts higher is neither good nor bad — more complaints can
mean easier access, not worse care — so the reports use the neutral (purple) "special cause"
variant; pass `improvement="up"` or `"down"` to get MDC's improving/concerning variants.
"""

from dataclasses import dataclass, field
from statistics import fmean

LIMIT_FACTOR = 2.66
RUN_LENGTH = 7
TREND_LENGTH = 7
TWO_SIGMA_FRACTION = 2 / 3

ASTRONOMICAL = "beyond a process limit"
SHIFT = "run of 7 on one side of the mean"
TREND = "trend of 7 rising or falling"
TWO_OF_THREE = "2 of 3 near a process limit"

COMMON_CAUSE = "common cause"
SPECIAL_HIGH = "special cause: high"
SPECIAL_LOW = "special cause: low"
IMPROVING_HIGH = "special cause: improving (high)"
IMPROVING_LOW = "special cause: improving (low)"
CONCERNING_HIGH = "special cause: concerning (high)"
CONCERNING_LOW = "special cause: concerning (low)"


@dataclass
class Point:
    value: float
    signals: list[str] = field(default_factory=list)
    # "high" or "low": which way the signal points (for a trend, the trend's direction).
    direction: str = ""

    @property
    def is_special(self) -> bool:
        return bool(self.signals)


@dataclass
class XmR:
    points: list[Point]
    mean: float | None
    moving_ranges: list[float]
    mean_moving_range: float | None
    upper_limit: float | None
    lower_limit: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None
    variation: str


def mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def moving_ranges(values: list[float]) -> list[float]:
    """|x[i] - x[i-1]| for each point after the first."""
    return [abs(b - a) for a, b in zip(values, values[1:], strict=False)]


def process_limits(values: list[float]) -> tuple[float | None, float | None]:
    """(lower, upper) process limits: mean ∓ 2.66 × mean moving range; (None, None) with
    fewer than two points, when there is no moving range to estimate the spread from."""
    ranges = moving_ranges(values)
    if not ranges:
        return None, None
    centre = fmean(values)
    spread = LIMIT_FACTOR * fmean(ranges)
    return centre - spread, centre + spread


def _flag(points: list[Point], indexes, signal: str, direction: str) -> None:
    for i in indexes:
        if signal not in points[i].signals:
            points[i].signals.append(signal)
        if not points[i].direction:
            points[i].direction = direction


def _runs(sides: list[int], length: int):
    """Yield (start, end, side) for every maximal run of equal non-zero sides >= length."""
    start = 0
    for i in range(1, len(sides) + 1):
        if i == len(sides) or sides[i] != sides[start]:
            if sides[start] != 0 and i - start >= length:
                yield start, i, sides[start]
            start = i


def xmr(values: list[float], improvement: str | None = None) -> XmR:
    """The XmR analysis of a series: limits, the points each rule flags, the variation icon."""
    values = [float(v) for v in values]
    points = [Point(v) for v in values]
    centre = mean(values)
    ranges = moving_ranges(values)
    mr_bar = mean(ranges)
    lower, upper = process_limits(values)
    if lower is None:
        return XmR(points, centre, ranges, mr_bar, None, None, None, None, COMMON_CAUSE)
    two_sigma = TWO_SIGMA_FRACTION * LIMIT_FACTOR * mr_bar
    upper_2s, lower_2s = centre + two_sigma, centre - two_sigma

    # Rule 1: beyond a limit.
    for i, v in enumerate(values):
        if v > upper:
            _flag(points, [i], ASTRONOMICAL, "high")
        elif v < lower:
            _flag(points, [i], ASTRONOMICAL, "low")

    # Rule 2: a run of 7 on one side of the mean (a point on the mean has side 0).
    sides = [(v > centre) - (v < centre) for v in values]
    for start, end, side in _runs(sides, RUN_LENGTH):
        _flag(points, range(start, end), SHIFT, "high" if side > 0 else "low")

    # Rule 3: 7 points each rising (or falling) from the one before = 6 steps the same way.
    steps = [(b > a) - (b < a) for a, b in zip(values, values[1:], strict=False)]
    for start, end, step in _runs(steps, TREND_LENGTH - 1):
        _flag(points, range(start, end + 1), TREND, "high" if step > 0 else "low")

    # Rule 4: two of three consecutive points beyond two sigma, same side.
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        for side, beyond in (
            ("high", [i for i in window if values[i] > upper_2s]),
            ("low", [i for i in window if values[i] < lower_2s]),
        ):
            if len(beyond) >= 2:
                _flag(points, beyond, TWO_OF_THREE, side)

    return XmR(
        points, centre, ranges, mr_bar, upper, lower, upper_2s, lower_2s,
        variation_icon(points, improvement),
    )  # fmt: skip


def variation_icon(points: list[Point], improvement: str | None = None) -> str:
    """The MDC variation category of the latest point. `improvement` is "up" when higher is
    better, "down" when lower is better, None when neither (the neutral purple icon)."""
    if not points or not points[-1].is_special:
        return COMMON_CAUSE
    high = points[-1].direction == "high"
    if improvement is None:
        return SPECIAL_HIGH if high else SPECIAL_LOW
    if improvement == "up":
        return IMPROVING_HIGH if high else CONCERNING_LOW
    if improvement == "down":
        return CONCERNING_HIGH if high else IMPROVING_LOW
    raise ValueError(f'improvement must be "up", "down" or None, not {improvement!r}')
