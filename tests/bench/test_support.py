"""bench/support.py: what the benchmarks report about the machine they ran on."""

from bench.support import cpu_times, steal_pct


def test_steal_is_the_share_of_all_cpu_time_between_two_readings():
    assert steal_pct([((100, 10_000), (150, 11_000))]) == 5.0
    assert steal_pct([((100, 10_000), (100, 10_400))]) == 0.0


def test_spans_add_up_before_the_share_is_taken():
    assert steal_pct([((0, 0), (10, 100)), ((50, 1_000), (50, 1_900))]) == 1.0


def test_no_reading_or_no_time_passed_gives_no_figure():
    assert steal_pct([(None, (1, 2))]) is None
    assert steal_pct([((1, 2), (1, 2))]) is None
    assert steal_pct([]) is None


def test_this_machine_reports_steal_no_larger_than_its_total():
    steal, total = cpu_times()  # Linux: CI and every machine the benchmarks run on
    assert 0 <= steal <= total and total > 0
