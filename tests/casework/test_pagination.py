"""The case list's paginator counts at most a capped number of rows."""

from core.pagination import CappedPaginator


def test_below_the_cap_it_counts_and_numbers_pages_like_django():
    paginator = CappedPaginator(list(range(60)), 25, cap=100)
    assert paginator.count == 60 and not paginator.capped
    assert paginator.num_pages == 3
    last = paginator.get_page(3)
    assert list(last.object_list) == list(range(50, 60)) and not last.has_next()


def test_above_the_cap_it_stops_counting_but_pages_on_while_rows_remain():
    paginator = CappedPaginator(list(range(1000)), 25, cap=100)
    assert paginator.capped and paginator.count == 101
    page = paginator.get_page(39)  # far past the counted rows
    assert list(page.object_list) == list(range(950, 975))
    assert page.has_next() and page.has_previous()
    assert page.start_index() == 951 and page.end_index() == 975
    last = paginator.get_page(40)
    assert list(last.object_list) == list(range(975, 1000)) and not last.has_next()


def test_a_page_past_the_end_of_a_capped_list_falls_back_to_the_last_counted_page():
    paginator = CappedPaginator(list(range(1000)), 25, cap=100)
    assert paginator.get_page(999).number == 4
    assert paginator.get_page("not a number").number == 1
