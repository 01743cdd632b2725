"""The primary rule at its edges: k-1, k, k+1, zeros, few people, one dominant person."""

import pytest

from aggregation.rules import Rule

RULE = Rule(threshold=11, p_percent=10)


@pytest.mark.parametrize("value, expected", [(10, "small"), (11, None), (12, None), (1, "small")])
def test_threshold_edges(value, expected):
    assert (
        RULE.sensitivity(value, people=value, top1=1, top2=1 if value > 1 else None, zero_is_sensitive=False)
        == expected
    )


def test_zeros_are_sensitive_only_where_places_are_named():
    assert RULE.sensitivity(0, 0, None, None, zero_is_sensitive=True) == "zero"
    assert RULE.sensitivity(0, 0, None, None, zero_is_sensitive=False) is None


def test_thirty_referrals_from_three_people_is_sensitive():
    assert RULE.sensitivity(30, people=3, top1=10, top2=10, zero_is_sensitive=False) == "few_people"


def test_one_dominant_person_is_sensitive():
    # 40 contacts from 12 people, one person had 30: the rest (40-30-2=8) is under 10% of 30? no: 8 >= 3
    assert RULE.sensitivity(40, people=12, top1=30, top2=2, zero_is_sensitive=False) is None
    # 100 contacts from 12 people, one had 89 and another 2: the other ten had 9 < 8.9? no; make it tighter
    assert RULE.sensitivity(100, people=12, top1=90, top2=2, zero_is_sensitive=False) == "dominance"


@pytest.mark.parametrize("people, expected", [(10, "few_people"), (11, None)])
def test_people_threshold_edges(people, expected):
    assert RULE.sensitivity(50, people=people, top1=5, top2=5, zero_is_sensitive=False) == expected


def test_threshold_never_below_five():
    with pytest.raises(ValueError):
        Rule(threshold=4)
    assert Rule(threshold=5).sensitivity(4, 4, 1, 1, False) == "small"


def test_complements_and_statistics():
    assert RULE.complement_sensitive(2) and not RULE.complement_sensitive(0)
    assert not RULE.complement_sensitive(11)
    assert RULE.statistic_publishable(11) and not RULE.statistic_publishable(10)
