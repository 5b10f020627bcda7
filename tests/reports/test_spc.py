"""The XmR rules, checked against series worked out by hand (no database)."""

import pytest

from reports import spc

# Hand-worked: values 10, 12, 11, 13, 14.
# mean = 60 / 5 = 12; moving ranges 2, 1, 2, 1 -> mean 1.5;
# limits 12 ± 2.66 × 1.5 = 12 ± 3.99 -> 8.01 and 15.99.


def test_mean_moving_ranges_and_limits_by_hand():
    values = [10, 12, 11, 13, 14]
    assert spc.mean(values) == 12
    assert spc.moving_ranges(values) == [2, 1, 2, 1]
    lower, upper = spc.process_limits(values)
    assert lower == pytest.approx(8.01)
    assert upper == pytest.approx(15.99)


def test_one_point_has_no_limits_and_is_common_cause():
    result = spc.xmr([7])
    assert result.mean == 7
    assert result.upper_limit is None and result.lower_limit is None
    assert result.variation == spc.COMMON_CAUSE


def test_empty_series():
    result = spc.xmr([])
    assert result.mean is None
    assert result.variation == spc.COMMON_CAUSE


def test_stable_series_has_no_signals():
    result = spc.xmr([10, 12, 11, 13, 14])
    assert not any(p.is_special for p in result.points)
    assert result.variation == spc.COMMON_CAUSE


def test_a_point_above_the_upper_limit_is_flagged_high():
    # 10,11,10,11,10,11,10,30: mean 103/8 = 12.875; moving ranges 1,1,1,1,1,1,20 -> 26/7;
    # upper limit 12.875 + 2.66 × 3.714... = 22.755 < 30.
    result = spc.xmr([10, 11, 10, 11, 10, 11, 10, 30])
    assert result.upper_limit == pytest.approx(12.875 + 2.66 * 26 / 7)
    assert spc.ASTRONOMICAL in result.points[-1].signals
    assert [i for i, p in enumerate(result.points) if spc.ASTRONOMICAL in p.signals] == [7]
    assert result.variation == spc.SPECIAL_HIGH


def test_a_point_below_the_lower_limit_is_flagged_low():
    # 20,21,20,21,20,21,20,1: mean 144/8 = 18; mR 1×6 + 19 = 25/7; lower 18 - 9.5 = 8.5 > 1.
    result = spc.xmr([20, 21, 20, 21, 20, 21, 20, 1])
    assert result.lower_limit == pytest.approx(18 - 2.66 * 25 / 7)
    assert result.points[-1].signals == [spc.ASTRONOMICAL]
    assert result.variation == spc.SPECIAL_LOW


def test_a_run_of_seven_above_the_mean_flags_all_seven():
    # 2,4,2,4,2,4 then 6,8,6,8,6,8,6: mean 66/13 = 5.077; every moving range is 2 (4 -> 6
    # too); upper limit 5.077 + 5.32 = 10.40, two sigma 8.62: only the run signals.
    values = [2, 4, 2, 4, 2, 4, 6, 8, 6, 8, 6, 8, 6]
    result = spc.xmr(values)
    assert result.upper_limit == pytest.approx(66 / 13 + 2.66 * 2)
    shift = [i for i, p in enumerate(result.points) if p.is_special]
    assert shift == list(range(6, 13))
    assert all(result.points[i].signals == [spc.SHIFT] for i in shift)
    assert all(result.points[i].direction == "high" for i in shift)
    assert result.variation == spc.SPECIAL_HIGH


def test_a_run_of_six_is_not_a_shift():
    # 2,4,2,4,2,4,2 then 6,8,6,8,6,8: mean 62/13 = 4.769; moving ranges 2×6, 4, 2×5 -> 26/12;
    # limits -0.99 to 10.53, two sigma 0.93 to 8.61. Seven below the mean make a run (low);
    # the six above do not.
    values = [2, 4, 2, 4, 2, 4, 2, 6, 8, 6, 8, 6, 8]
    result = spc.xmr(values)
    assert [i for i, p in enumerate(result.points) if p.is_special] == list(range(7))
    assert all(result.points[i].direction == "low" for i in range(7))
    assert result.variation == spc.COMMON_CAUSE


def test_a_point_on_the_mean_breaks_a_run():
    # mean of [4,4,4,8,4,4,4, 6, 8,8,8] ... built so a point equals the mean exactly:
    # 1,1,1,5,5,5 | 3 | 1,1,1,5,5,5 has mean 39/13 = 3; the 3 sits on the mean.
    values = [1, 1, 1, 5, 5, 5, 3, 1, 1, 1, 5, 5, 5]
    assert spc.mean(values) == 3
    result = spc.xmr(values)
    assert not any(spc.SHIFT in p.signals for p in result.points)


def test_seven_rising_points_are_a_trend():
    # 1..7 rising after three flat points: the seven from index 3 rise six steps.
    values = [5, 5, 5, 1, 2, 3, 4, 5, 6, 7]
    result = spc.xmr(values)
    trend = [i for i, p in enumerate(result.points) if spc.TREND in p.signals]
    assert trend == [3, 4, 5, 6, 7, 8, 9]
    assert result.points[9].direction == "high"


def test_six_rising_points_are_not_a_trend():
    result = spc.xmr([5, 5, 5, 1, 2, 3, 4, 5, 6])
    assert not any(spc.TREND in p.signals for p in result.points)


def test_seven_falling_points_are_a_trend_low():
    result = spc.xmr([9, 8, 7, 6, 5, 4, 3])
    assert all(spc.TREND in p.signals for p in result.points)
    assert result.points[-1].direction == "low"
    assert result.variation == spc.SPECIAL_LOW


def test_an_equal_step_breaks_a_trend():
    result = spc.xmr([1, 2, 3, 3, 4, 5, 6, 7])
    assert not any(spc.TREND in p.signals for p in result.points)


def test_two_of_three_beyond_two_sigma_on_the_same_side():
    # 10,10,10,10,10,10,10,10,13,13,10: mean = 116/11 = 10.545...;
    # moving ranges: 0×7, 3, 0, 3 -> 6/10 = 0.6; limits 10.545 ± 1.596 -> upper 12.141,
    # so 13 is beyond the upper limit too; two sigma = 10.545 + 1.064 = 11.61.
    values = [10] * 8 + [13, 13, 10]
    result = spc.xmr(values)
    assert result.upper_two_sigma == pytest.approx(116 / 11 + (2 / 3) * 2.66 * 0.6)
    flagged = [i for i, p in enumerate(result.points) if spc.TWO_OF_THREE in p.signals]
    assert flagged == [8, 9]


def test_two_of_three_needs_the_same_side():
    # Alternating far above and far below: each window of three has one high and one low
    # beyond two sigma (or two of one side?) -- here 20, 0, 10: one each side.
    values = [10, 10, 10, 10, 20, 10, 0, 10, 10, 10]
    result = spc.xmr(values)
    assert not any(spc.TWO_OF_THREE in p.signals for p in result.points)


def test_two_of_three_inside_the_limits_is_still_a_signal():
    # 10,12,10,12,10,12,10,12,14,14,12: mean 128/11 = 11.636; moving ranges
    # 2,2,2,2,2,2,2,2,0,2 -> 18/10 = 1.8; upper limit 11.636 + 4.788 = 16.42 (14 is inside);
    # two sigma 11.636 + 3.192 = 14.83 -> 14 is not beyond. No signal: checks the bound.
    values = [10, 12, 10, 12, 10, 12, 10, 12, 14, 14, 12]
    result = spc.xmr(values)
    assert not any(p.is_special for p in result.points)
    # Now with 16, 16: mean 132/11 = 12; mR 2×7, 4, 0, 4 -> 22/10 = 2.2; upper 17.852,
    # two sigma 12 + 3.901 = 15.90 -> 16 and 16 are beyond two sigma, inside the limits.
    values = [10, 12, 10, 12, 10, 12, 10, 12, 16, 16, 12]
    result = spc.xmr(values)
    assert result.upper_limit == pytest.approx(12 + 2.66 * 2.2)
    assert [i for i, p in enumerate(result.points) if p.is_special] == [8, 9]
    assert result.points[8].signals == [spc.TWO_OF_THREE]
    # The latest point (12) is not special: the icon shows common cause.
    assert result.variation == spc.COMMON_CAUSE


@pytest.mark.parametrize(
    ("improvement", "values", "expected"),
    [
        (None, [10, 11, 10, 11, 10, 11, 10, 30], spc.SPECIAL_HIGH),
        ("up", [10, 11, 10, 11, 10, 11, 10, 30], spc.IMPROVING_HIGH),
        ("down", [10, 11, 10, 11, 10, 11, 10, 30], spc.CONCERNING_HIGH),
        ("up", [20, 21, 20, 21, 20, 21, 20, 1], spc.CONCERNING_LOW),
        ("down", [20, 21, 20, 21, 20, 21, 20, 1], spc.IMPROVING_LOW),
        ("down", [10, 12, 11, 13, 14], spc.COMMON_CAUSE),
    ],
)
def test_variation_icon(improvement, values, expected):
    assert spc.xmr(values, improvement=improvement).variation == expected


def test_unknown_improvement_direction_is_refused():
    with pytest.raises(ValueError):
        spc.xmr([10, 11, 10, 11, 10, 11, 10, 30], improvement="sideways")
