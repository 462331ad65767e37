"""Sharing over HTTP, on SQLite and PostgreSQL: a practitioner's code, a person who sees
who will see what and confirms, the practitioner's list and read-only view of the person,
the access log the person sees, and stopping, which ends the practitioner's access at
once. Then every route walked by whoever should see nothing of a person's data."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from acupress.sharing import NOT_A_CODE, UNUSABLE
from acupress.web.practice import PEOPLE_ONLY, PERSONS_ONLY, SERVER_MODE_ONLY
from tests.web.fake import NOW, TEST_CLIENT_HOST
from tests.web.test_accounts_web import (
    PASSWORD,
    Browser,
    Moment,
    accounts_app,
    book_of,
    filled,
    openapi_routes,
    page_routes,
    seed,
    snapshot,
)

PEOPLE = (
    ("ann", "person"),
    ("ben", "person"),
    ("pia", "practitioner"),
    ("pat", "practitioner"),
)


@pytest.fixture
def moment() -> Moment:
    return Moment()


@pytest.fixture(params=["sqlite", "postgresql"])
def app(
    request: pytest.FixtureRequest, moment: Moment, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FastAPI]:
    if request.param == "postgresql":
        monkeypatch.setenv("ACUPRESS_DATABASE_URL", request.getfixturevalue("postgresql").fresh())
    app = accounts_app(moment)
    with TestClient(app):
        book = book_of(app)
        for name, role in PEOPLE:
            book.add(name, role, NOW)
            book.set_password(name, PASSWORD)
        yield app


def signed_in(app: FastAPI, name: str) -> Browser:
    browser = Browser(app)
    assert browser.sign_in(name).status_code == 303
    return browser


def account_id(app: FastAPI, name: str) -> int:
    return book_of(app).get(name).id


def make_code(practitioner: Browser) -> str:
    r = practitioner.send("POST", "/api/share-codes")
    assert r.status_code == 201, r.text
    code: str = r.json()["code"]
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert r.json()["link"].endswith(f"/sharing?code={code}")
    return code


def share(person: Browser, practitioner: Browser) -> int:
    r = person.send("POST", "/api/sharing", {"code": make_code(practitioner)})
    assert r.status_code == 201, r.text
    share_id: int = r.json()["id"]
    return share_id


def test_a_person_shares_with_a_code_and_sees_each_time_it_is_opened(
    app: FastAPI, moment: Moment
) -> None:
    ann, pia = signed_in(app, "ann"), signed_in(app, "pia")
    seed(ann)
    before = snapshot(ann)
    code = make_code(pia)
    preview = ann.client.get("/api/sharing/preview", params={"code": code})
    assert preview.json()["practitioner"] == "pia"
    assert "read-only" in preview.json()["what"]
    assert ann.client.get("/api/sharing").json()["shares"] == []  # nothing shared yet
    assert pia.client.get("/api/people").json() == []
    assert ann.send("POST", "/api/sharing", {"code": code.lower()}).status_code == 201
    ann_id = account_id(app, "ann")
    listed = pia.client.get("/api/people").json()
    assert [(p["id"], p["name"]) for p in listed] == [(ann_id, "ann")]
    assert listed[0]["last_session"]["day"] == "2026-03-02"  # the session under way
    moment.now = NOW + dt.timedelta(minutes=10)
    person = pia.client.get(f"/api/people/{ann_id}").json()
    assert person["sessions"][0]["note"] == "private note"
    assert person["progress"] == ann.client.get("/api/progress").json()
    moment.now = NOW + dt.timedelta(minutes=20)
    report = pia.client.get(f"/api/people/{ann_id}/report.html")
    assert report.status_code == 200 and "Sessions from 01 Mar 2026" in report.text
    pdf = pia.client.get(f"/api/people/{ann_id}/report.pdf")
    assert pdf.content.startswith(b"%PDF") and "ann" in pdf.headers["content-disposition"]
    seen = ann.client.get("/api/sharing").json()
    assert [s["practitioner"] for s in seen["shares"]] == ["pia"]
    assert [(a["practitioner"], a["what"]) for a in seen["access"]] == [
        ("pia", "report (PDF)"),
        ("pia", "report (web page)"),
        ("pia", "journal and progress"),
        ("pia", "flags, last session and pain trend (the list of people)"),
    ]
    assert seen["access"][2]["at"].startswith("2026-03-02T07:40")
    assert snapshot(ann) == before  # reading changed nothing


def test_a_code_works_once_and_a_mistyped_one_is_one_sentence(app: FastAPI) -> None:
    ann, ben, pia = signed_in(app, "ann"), signed_in(app, "ben"), signed_in(app, "pia")
    code = make_code(pia)
    assert ann.send("POST", "/api/sharing", {"code": code}).status_code == 201
    again = ben.send("POST", "/api/sharing", {"code": code})
    assert again.status_code == 404 and again.json() == {"detail": UNUSABLE}
    typo = ben.send("POST", "/api/sharing", {"code": "ABCD-EFG"})
    assert typo.status_code == 400 and typo.json() == {"detail": NOT_A_CODE}
    page = ben.client.post("/sharing/code", data={"code": "0000-1111", "csrf_token": ben.token})
    assert page.status_code == 400 and NOT_A_CODE in page.text
    assert [p["name"] for p in pia.client.get("/api/people").json()] == ["ann"]


def test_a_code_expires_after_48_hours(app: FastAPI, moment: Moment) -> None:
    code = make_code(signed_in(app, "pia"))
    moment.now = NOW + dt.timedelta(hours=48)
    ann = signed_in(app, "ann")
    r = ann.send("POST", "/api/sharing", {"code": code})
    assert r.status_code == 404 and "expired" in r.json()["detail"]


def test_stopping_ends_the_practitioners_access_at_once(app: FastAPI) -> None:
    ann, pia = signed_in(app, "ann"), signed_in(app, "pia")
    seed(ann)
    share_id = share(ann, pia)
    ann_id = account_id(app, "ann")
    assert pia.client.get(f"/api/people/{ann_id}").status_code == 200
    assert ann.send("DELETE", f"/api/sharing/{share_id}").status_code == 204
    assert pia.client.get("/api/people").json() == []
    for path in (f"/api/people/{ann_id}", f"/api/people/{ann_id}/report.html", f"/people/{ann_id}"):
        r = pia.client.get(path)
        assert r.status_code == 404, path
        assert "private note" not in r.text
    assert "no person" in pia.client.get(f"/api/people/{ann_id}").json()["detail"]
    assert ann.client.get("/api/sharing").json()["shares"] == []
    assert ann.send("DELETE", f"/api/sharing/{share_id}").status_code == 404


def test_the_list_puts_people_whose_flags_change_a_session_first(app: FastAPI) -> None:
    ann, ben, pia = signed_in(app, "ann"), signed_in(app, "ben"), signed_in(app, "pia")
    for person, after in ((ann, 2), (ben, 7)):  # ben's pain rose after both sessions
        for day in ("2026-02-27", "2026-02-28"):
            r = person.send(
                "POST",
                "/api/journal",
                {"day": day, "pain_before": 5, "pain_after": after, "pressure": "light"},
            )
            assert r.status_code == 201, r.text
    share(ann, pia)
    share(ben, pia)
    listed = pia.client.get("/api/people").json()
    assert [p["name"] for p in listed] == ["ben", "ann"]
    assert listed[0]["standing"] and not listed[1]["standing"]
    assert listed[0]["flags"][0]["id"] == "pain_increased_twice"
    own = {f["id"] for f in ben.client.get("/api/today").json()["flags"]}
    assert {f["id"] for f in listed[0]["flags"]} <= own  # the rules ben sees himself
    page = pia.client.get("/people")
    assert page.status_code == 200
    assert page.text.index(">ben</a>") < page.text.index(">ann</a>")
    assert page.text.count('role="img"') == 2  # a pain trend for each


def test_the_sharing_page_asks_to_confirm_and_lists_who_and_the_access_log(
    app: FastAPI,
) -> None:
    ann, pia = signed_in(app, "ann"), signed_in(app, "pia")
    made = pia.client.post("/people/code", data={"csrf_token": pia.token})
    assert made.status_code == 200
    code = re.search(r'id="share-code">([A-Z2-9-]+)<', made.text)
    assert code is not None
    link = ann.client.get(f"/sharing?code={code.group(1)}")
    assert link.status_code == 200 and "Share with pia?" in link.text
    assert "read-only" in link.text
    assert ann.client.get("/api/sharing").json()["shares"] == []
    done = ann.client.post("/sharing", data={"code": code.group(1), "csrf_token": ann.token})
    assert done.status_code == 303 and done.headers["location"] == "/sharing?done=shared"
    pia.client.get(f"/people/{account_id(app, 'ann')}")
    page = ann.client.get("/sharing")
    assert "pia</strong> sees your journal" in page.text and "Stop sharing" in page.text
    assert "journal and progress" in page.text  # the access log
    share_id = ann.client.get("/api/sharing").json()["shares"][0]["id"]
    stop = ann.client.post(f"/sharing/{share_id}/stop", data={"csrf_token": ann.token})
    assert stop.status_code == 303
    assert "Nobody: your data is yours alone." in ann.client.get("/sharing").text


def test_each_role_sees_its_own_page_and_is_told_so_elsewhere(app: FastAPI) -> None:
    ann, pia = signed_in(app, "ann"), signed_in(app, "pia")
    assert 'href="/sharing"' in ann.client.get("/").text
    assert 'href="/people"' not in ann.client.get("/").text
    assert 'href="/people"' in pia.client.get("/").text
    r = ann.client.get("/api/people")
    assert r.status_code == 404 and r.json() == {"detail": PEOPLE_ONLY}
    assert ann.send("POST", "/api/share-codes").json() == {"detail": PEOPLE_ONLY}
    r = pia.send("POST", "/api/sharing", {"code": make_code(pia)})
    assert r.status_code == 404 and r.json() == {"detail": PERSONS_ONLY}
    assert PERSONS_ONLY in html.unescape(pia.client.get("/sharing").text)


def test_the_single_person_app_has_no_sharing(moment: Moment) -> None:
    from acupress.web.app import create_app
    from acupress.web.context import Options

    hosts = (*Options().allowed_hosts, TEST_CLIENT_HOST)
    with TestClient(create_app(Options(now=moment, allowed_hosts=hosts))) as client:
        r = client.get("/api/people")
        assert r.status_code == 404 and r.json() == {"detail": SERVER_MODE_ONLY}
        assert client.get("/sharing").status_code == 404


# --- every route, by whoever should see nothing ----------------------------------------


def walk(app: FastAPI, who: Browser, ids: list[int]) -> list[tuple[str, str, int]]:
    """Every route of the schema and every page, with each of these ids in its path;
    the answers that showed anything of the seeded person's private note."""
    leaked = []
    for method, path in openapi_routes(app) + page_routes(app):
        if path in ("/sign-out", "/sign-out-everywhere"):
            continue
        for value in ids:
            r = who.send(method, filled(path, value), {"session_id": value, "id": value})
            if "{" in path and r.status_code not in (404, 405, 422, 400):
                leaked.append((method, path, r.status_code))
            if "private note" in r.text:
                leaked.append((method, path, r.status_code))
    return leaked


def test_no_route_shows_a_persons_shared_data_to_anyone_else(app: FastAPI) -> None:
    """pia sees exactly ann, who shares with her; pat (another practitioner) and ben (a
    person) see nothing of ann or of pia's people, and pia nothing once ann stops; nobody
    changes ann's data, pia included."""
    ann, ben = signed_in(app, "ann"), signed_in(app, "ben")
    pia, pat = signed_in(app, "pia"), signed_in(app, "pat")
    ids = seed(ann)
    share_id = share(ann, pia)
    ann_id = account_id(app, "ann")
    before = snapshot(ann)
    targets = [ann_id, ids["logged"], ids["running"], share_id]
    assert [p["id"] for p in pia.client.get("/api/people").json()] == [ann_id]
    assert pat.client.get("/api/people").json() == []
    assert walk(app, pat, targets) == []
    assert walk(app, ben, targets) == []
    for method, path in openapi_routes(app) + page_routes(app):
        # pia reads ann's data, and changes none of it whatever she sends
        if method == "GET" or path in ("/sign-out", "/sign-out-everywhere"):
            continue
        for value in targets:
            pia.send(method, filled(path, value), {"session_id": value, "id": value})
    assert snapshot(ann) == before
    assert [s["id"] for s in ann.client.get("/api/sharing").json()["shares"]] == [share_id]
    assert ann.send("DELETE", f"/api/sharing/{share_id}").status_code == 204
    assert pia.client.get("/api/people").json() == []
    assert walk(app, pia, targets) == []
    whom = {a["practitioner"] for a in ann.client.get("/api/sharing").json()["access"]}
    assert whom <= {"pia"}
    assert ben.client.get("/api/sharing").json()["access"] == []


def test_a_practitioner_never_sees_another_practitioners_people(app: FastAPI) -> None:
    ann, ben = signed_in(app, "ann"), signed_in(app, "ben")
    pia, pat = signed_in(app, "pia"), signed_in(app, "pat")
    share(ann, pia)
    share(ben, pat)
    assert [p["name"] for p in pia.client.get("/api/people").json()] == ["ann"]
    assert [p["name"] for p in pat.client.get("/api/people").json()] == ["ben"]
    assert pia.client.get(f"/api/people/{account_id(app, 'ben')}").status_code == 404
    assert "ben" not in pia.client.get("/people").text.replace("Signed in as pia", "")
    # a person sees only their own practitioners, nothing of their other people
    theirs: Any = ann.client.get("/api/sharing").json()
    assert "ben" not in str(theirs) and [s["person"] for s in theirs["shares"]] == ["ann"]
