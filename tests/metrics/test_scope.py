def test_bounds_outside_the_supported_years_are_refused() -> None:
    from datetime import date
    from zoneinfo import ZoneInfo

    import pytest

    from tinhieu.metrics.scope import ScopeError, parse_bound

    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    for bad in (date(1, 1, 1), date(9999, 12, 31), "0001-01-01"):
        with pytest.raises(ScopeError):
            parse_bound(bad, zone, is_until=True)
    assert parse_bound(date(2026, 3, 1), zone, is_until=False)[0] is not None
