"""What the pages and the API do, called directly: no request, the real core and journal,
sessions timed by a fake clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from acupress.clock import FakeClock
from acupress.errors import Conflict, NotFound
from acupress.journal import Journal
from acupress.web import models, service
from acupress.web.context import Context, Options, make_context
from tests.conftest import all_clear
from tests.web.fake import NOW


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def ctx(clock: FakeClock) -> Iterator[Context]:
    made = make_context(Options(now=lambda: NOW, clock=lambda _speed: clock))
    yield made
    made.close()


def started(ctx: Context) -> models.LiveOut:
    service.check(ctx, all_clear())
    return service.start_session(ctx, models.SessionStart(pain_before=6))


def test_no_session_starts_before_todays_check(ctx: Context) -> None:
    with pytest.raises(Conflict, match="Do the safety check first"):
        service.start_session(ctx, models.SessionStart(pain_before=6))


def test_reading_a_running_session_writes_nothing(ctx: Context, clock: FakeClock) -> None:
    live = started(ctx)
    clock.advance(live.step.seconds + 1)
    assert service.session_now(ctx, live.id).index == 1
    with Journal() as db:
        assert db.get(live.id).steps == ()


def test_a_running_session_is_deleted_only_once_stopped(ctx: Context) -> None:
    live = started(ctx)
    with pytest.raises(Conflict, match="still running"):
        service.delete_session(ctx, live.id)
    service.act(ctx, live.id, models.SessionAction(action="stop", reason="no_time"))
    service.delete_session(ctx, live.id)
    with pytest.raises(NotFound):
        service.journal_entry(ctx, live.id)


def test_the_points_page_shows_the_plan_the_api_gives(ctx: Context) -> None:
    service.check(ctx, all_clear())
    assert service.atlas_page(ctx).plan == service.plan(ctx, None, None)


def test_a_point_chart_is_drawn_once_for_the_same_view(ctx: Context) -> None:
    service.point_svg.cache_clear()
    first = service.point_chart(ctx, "bl23", None)
    assert service.point_chart(ctx, "BL23", None) == first
    assert service.point_svg.cache_info().hits == 1
    with pytest.raises(NotFound):
        service.point_chart(ctx, "BL24", None)


def test_an_export_is_a_file_named_for_today(ctx: Context) -> None:
    sent = service.export(ctx, "csv", None, None)
    assert (sent.media_type, sent.filename) == ("text/csv", "acupress-journal-2026-03-02.csv")
    shown = service.guide(ctx, "html")
    assert (shown.media_type, shown.filename) == ("text/html", None)
