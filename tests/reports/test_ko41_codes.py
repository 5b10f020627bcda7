"""Shape checks on the national KO41 coded lists (plain data; no database).

Run with: python -m pytest -p no:django -q tests/casework/test_ko41_codes.py
"""

import re
from pathlib import Path

import pytest

from reports.ko41 import codes as ko41

LISTS = sorted(ko41.CODED_LISTS.items())
LIST_IDS = [name for name, _ in LISTS]
CODE_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
CODE_MAX_LENGTH = 40  # casework.models.CodedItem.code
NAME_MAX_LENGTH = 200  # casework.models.CodedItem.name


def check_age_bands(bands, unknown_code):
    """Raise AssertionError unless the numeric bands run contiguously from 0 without overlap,
    only the last is open-ended, and exactly one band (unknown_code) has no bounds."""
    unknown = [band for band in bands if band[2] is None and band[3] is None]
    assert [band[0] for band in unknown] == [unknown_code], "need exactly one unknown band"
    numeric = [band for band in bands if band[0] != unknown_code]
    expected_min = 0
    for position, (code, label, low, high) in enumerate(numeric):
        assert label.strip(), code
        assert low == expected_min, f"{code} starts at {low}, expected {expected_min}"
        if high is None:
            assert position == len(numeric) - 1, f"{code} is open-ended but not the last band"
            break
        assert high >= low, f"{code} ends before it starts"
        expected_min = high + 1
    else:
        assert not numeric, "the top band must be open-ended (max None)"


@pytest.mark.parametrize(("name", "items"), LISTS, ids=LIST_IDS)
def test_items_are_code_name_pairs(name, items):
    assert isinstance(items, tuple), name
    for item in items:
        assert isinstance(item, tuple) and len(item) == 2, (name, item)
        assert all(isinstance(part, str) for part in item), (name, item)


@pytest.mark.parametrize(("name", "items"), LISTS, ids=LIST_IDS)
def test_codes_are_unique_stable_slugs(name, items):
    codes = [code for code, _ in items]
    assert len(codes) == len(set(codes)), f"duplicate codes in {name}"
    for code in codes:
        assert CODE_RE.match(code), (name, code)
        assert len(code) <= CODE_MAX_LENGTH, (name, code)


@pytest.mark.parametrize(("name", "items"), LISTS, ids=LIST_IDS)
def test_names_are_non_empty_and_unique(name, items):
    names = [item_name for _, item_name in items]
    assert all(item_name.strip() == item_name and item_name for item_name in names), name
    assert len({n.casefold() for n in names}) == len(names), f"duplicate names in {name}"
    assert all(len(item_name) <= NAME_MAX_LENGTH for item_name in names), name


def test_age_band_codes_and_labels_are_unique():
    codes = [band[0] for band in ko41.AGE_BANDS]
    labels = [band[1].casefold() for band in ko41.AGE_BANDS]
    assert len(codes) == len(set(codes))
    assert len(labels) == len(set(labels))
    assert all(CODE_RE.match(code) and len(code) <= CODE_MAX_LENGTH for code in codes)


def test_age_bands_are_contiguous_from_zero_with_an_unknown_band():
    check_age_bands(ko41.AGE_BANDS, ko41.AGE_UNKNOWN_CODE)


@pytest.mark.parametrize(
    "bands",
    [
        (("A0_17", "0-17", 0, 17), ("A18_PLUS", "18 and over", 18, None)),
        (("A0_PLUS", "Any age", 0, None),),
    ],
)
def test_age_band_check_accepts_contiguous_bands(bands):
    check_age_bands((*bands, ("AGE_UNKNOWN", "Age unknown", None, None)), "AGE_UNKNOWN")


@pytest.mark.parametrize(
    "bands",
    [
        (("A1_17", "1-17", 1, 17), ("A18_PLUS", "18 and over", 18, None)),  # not from 0
        (("A0_17", "0-17", 0, 17), ("A19_PLUS", "19 and over", 19, None)),  # gap
        (("A0_17", "0-17", 0, 17), ("A17_PLUS", "17 and over", 17, None)),  # overlap
        (("A0_17", "0-17", 0, 17), ("A18_64", "18-64", 18, 64)),  # no open top band
        (("A0_PLUS", "Any age", 0, None), ("A18_64", "18-64", 18, 64)),  # open band not last
    ],
)
def test_age_band_check_rejects_broken_bands(bands):
    with pytest.raises(AssertionError):
        check_age_bands((*bands, ("AGE_UNKNOWN", "Age unknown", None, None)), "AGE_UNKNOWN")


def test_age_band_check_requires_an_unknown_band():
    with pytest.raises(AssertionError):
        check_age_bands((("A0_PLUS", "Any age", 0, None),), "AGE_UNKNOWN")


@pytest.mark.parametrize(("name", "code"), sorted(ko41.OTHER_CODES.items()))
def test_lists_with_a_national_catch_all_contain_it(name, code):
    items = dict(ko41.CODED_LISTS[name])
    assert items[code] == "Other"


def test_outcomes_are_the_three_resolved_categories():
    assert [name for _, name in ko41.OUTCOMES] == ["Upheld", "Partially upheld", "Not upheld"]


def test_ko41b_has_no_service_area_section():
    assert ko41.SERVICE_AREAS_KO41B == ()


def test_staff_groups_alias_the_ko41b_professions():
    assert ko41.KO41B_STAFF_GROUPS is ko41.KO41B_PROFESSIONS


def test_every_list_has_a_provenance_and_known_status():
    listed = set(ko41.CODED_LISTS) | {"AGE_BANDS"}
    assert set(ko41.PROVENANCE) == listed
    for name, (status, note) in ko41.PROVENANCE.items():
        assert status in {"verified", "provisional", "incomplete"}, name
        assert note.strip(), name


def test_lists_without_numeric_age_bands_are_not_marked_verified():
    numeric = [band for band in ko41.AGE_BANDS if band[0] != ko41.AGE_UNKNOWN_CODE]
    if not numeric:
        assert ko41.PROVENANCE["AGE_BANDS"][0] != "verified"


def test_subject_area_sources_cover_every_code_and_name_known_sources():
    assert set(ko41.SUBJECT_AREA_SOURCES) == {code for code, _ in ko41.SUBJECT_AREAS}
    for code, keys in ko41.SUBJECT_AREA_SOURCES.items():
        assert keys and set(keys) <= set(ko41.SOURCES), code


def test_sources_have_titles_and_https_urls():
    for key, (title, url) in ko41.SOURCES.items():
        assert title.strip(), key
        assert url.startswith("https://"), key


def test_module_has_no_django_imports():
    source = Path(ko41.__file__).read_text(encoding="utf-8")
    assert not re.search(r"^\s*(?:from|import)\s+django\b", source, re.MULTILINE)
