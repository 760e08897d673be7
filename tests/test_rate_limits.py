"""Abuse and double submits: public POSTs limited per client address, a throttled admin
login, and submits that make one recommendation however often they arrive."""

import re
import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from advisor.models import Recommendation
from outsourcing import ratelimit
from outsourcing.models import RateCounter
from outsourcing.ratelimit import Rate, client_address
from tests.factories import (
    EXPERT_ANSWERS,
    ROUTINE_ANSWERS,
    WORK,
    UserFactory,
)
from tests.helpers import run_python

QUESTIONNAIRE = "/advisor/"
PREVIEW = "/advisor/preview/"
NOW = 1_800_000_030.0  # 30 s into a minute


class FrozenClock:
    def time(self):
        return NOW


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(ratelimit, "time", FrozenClock())


def low_limits(submit="2/m", preview="3/m", **extra):
    return override_settings(
        **{
            "ADVISOR_RATE_LIMITS": True,
            "ADVISOR_RATE_LIMIT_RATES": {"submit": submit, "preview": preview},
            **extra,
        }
    )


def submission(**answers):
    return {"submission_id": str(uuid.uuid4()), **WORK, **EXPERT_ANSWERS, **answers}


@low_limits()
def test_submits_past_the_limit_get_429_and_keep_the_answers(client, market_research):
    for _ in range(2):
        assert client.post(QUESTIONNAIRE, submission()).status_code == 302
    response = client.post(QUESTIONNAIRE, submission(technology="4", budget="45"))
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert "Too many requests from your address" in content
    assert "wait 30 seconds" in content
    assert re.search(r'name="technology" value="4"[^>]*checked', content)
    assert response.context["form"]["budget"].value() == "45"
    assert Recommendation.objects.count() == 2


@low_limits()
def test_a_refused_submit_keeps_its_submission_id_so_a_retry_makes_one_row(client, market_research):
    for _ in range(2):
        client.post(QUESTIONNAIRE, submission())
    data = submission()
    response = client.post(QUESTIONNAIRE, data)
    assert response.status_code == 429
    assert f'value="{data["submission_id"]}"' in response.content.decode()


@low_limits()
def test_preview_past_the_limit_gets_a_429_fragment_with_a_message(
    client, market_research, htmx_headers
):
    for _ in range(3):
        assert client.post(PREVIEW, ROUTINE_ANSWERS, headers=htmx_headers).status_code == 200
    response = client.post(PREVIEW, ROUTINE_ANSWERS, headers=htmx_headers)
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="result-panel"')
    assert "Too many requests from your address" in content
    assert "<html" not in content


@low_limits()
def test_limits_count_each_address_and_each_form_apart(client, market_research):
    for _ in range(2):
        client.post(QUESTIONNAIRE, submission())
    assert client.post(QUESTIONNAIRE, submission()).status_code == 429
    assert client.post(QUESTIONNAIRE, submission(), REMOTE_ADDR="10.0.0.2").status_code == 302
    assert client.post(PREVIEW, ROUTINE_ANSWERS).status_code == 200


@low_limits()
def test_a_client_cannot_dodge_the_limit_with_x_forwarded_for(client, market_research):
    for number in range(3):
        response = client.post(
            QUESTIONNAIRE, submission(), headers={"X-Forwarded-For": f"10.0.0.{number}"}
        )
    assert response.status_code == 429


@low_limits(ADVISOR_RATE_LIMITS=False)
def test_the_switch_turns_limits_off(client, market_research):
    for _ in range(5):
        assert client.post(QUESTIONNAIRE, submission()).status_code == 302


@low_limits()
def test_the_next_window_starts_afresh(client, market_research, monkeypatch):
    for _ in range(3):
        client.post(QUESTIONNAIRE, submission())

    class Later:
        def time(self):
            return NOW + 60

    monkeypatch.setattr(ratelimit, "time", Later())
    assert client.post(QUESTIONNAIRE, submission()).status_code == 302


def test_behind_trusted_proxies_the_address_the_nearest_proxy_saw_counts(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_address(request) == "10.0.0.1"
    with override_settings(ADVISOR_TRUSTED_PROXIES=1):
        assert client_address(request) == "203.0.113.9"
    with override_settings(ADVISOR_TRUSTED_PROXIES=2):
        assert client_address(request) == "6.6.6.6"
    with override_settings(ADVISOR_TRUSTED_PROXIES=3):
        assert client_address(request) == "10.0.0.1"


def test_a_malformed_address_is_never_passed_on(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="unknown")
    with override_settings(ADVISOR_TRUSTED_PROXIES=1):
        assert client_address(request) == "10.0.0.1"
    request.META["REMOTE_ADDR"] = ""
    assert client_address(request) is None


@pytest.mark.parametrize(
    ("text", "rate"),
    [("20/m", Rate(20, 60)), ("100/10s", Rate(100, 10)), ("5/h", Rate(5, 3600))],
)
def test_rates_read_like_counts_per_period(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["", "20", "x/m", "20/w", "20/-1m"])
def test_a_malformed_rate_says_how_to_write_one(text):
    with pytest.raises(ValueError, match="A rate looks like 20/m"):
        Rate.parse(text)


def test_limits_are_on_by_default_and_the_environment_turns_them_off():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.ADVISOR_RATE_LIMITS, s.ADVISOR_RATE_LIMIT_RATES['submit'])"
    )
    on = run_python(code)
    off = run_python(code, ADVISOR_RATE_LIMITS="0", ADVISOR_SUBMIT_RATE="5/m")
    assert on.stdout.split() == ["True", "20/m"], on.stderr
    assert off.stdout.split() == ["False", "5/m"], off.stderr


def test_counts_are_kept_in_the_database(client, market_research):
    with low_limits(submit="2/m"):
        for _ in range(2):
            client.post(QUESTIONNAIRE, submission())
        # The window number is the minute since the epoch: NOW // 60.
        counter = RateCounter.objects.get()
        assert (counter.key, counter.count) == ("submit:127.0.0.1:30000000", 2)
        assert client.post(QUESTIONNAIRE, submission()).status_code == 429
        assert RateCounter.objects.get().count == 3


def test_counters_of_past_windows_are_deleted_when_a_new_one_starts(rf, db, monkeypatch):
    with low_limits(submit="2/m"):
        ratelimit.retry_after(rf.post("/"), "submit")

        class Later:
            def time(self):
                return NOW + 60

        monkeypatch.setattr(ratelimit, "time", Later())
        ratelimit.retry_after(rf.post("/"), "submit")
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["submit:127.0.0.1:30000001"]


def test_a_count_costs_two_statements_and_a_new_window_three(rf, db, django_assert_num_queries):
    # Inside the test's transaction each transaction is a savepoint (two more queries).
    with low_limits(submit="2/m"):
        with django_assert_num_queries(7):  # update, delete past windows, insert
            ratelimit.retry_after(rf.post("/"), "submit")
        with django_assert_num_queries(4):  # update, read
            ratelimit.retry_after(rf.post("/"), "submit")


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_on_separate_connections_lose_no_count(rf):
    # Each thread has its own database connection, as each worker process has.
    results, barrier = [], threading.Barrier(4)

    def send():
        barrier.wait()
        for _ in range(5):
            results.append(ratelimit.retry_after(rf.post("/"), "submit"))
        connection.close()

    with low_limits(submit="7/m"):
        threads = [threading.Thread(target=send) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert results.count(None) == 7
    assert RateCounter.objects.get().count == 20


@pytest.mark.parametrize(
    ("first", "second", "same_client"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:203.0.113.9", "203.0.113.9", True),
        ("203.0.113.9", "203.0.113.10", False),
    ],
)
def test_an_ipv6_64_or_an_ipv4_address_is_one_client(
    client, market_research, first, second, same_client
):
    with low_limits(submit="1/m"):
        assert client.post(QUESTIONNAIRE, submission(), REMOTE_ADDR=first).status_code == 302
        refused = client.post(QUESTIONNAIRE, submission(), REMOTE_ADDR=second).status_code == 429
    assert refused is same_client


def test_an_ipv4_mapped_address_is_written_as_ipv4(rf):
    assert client_address(rf.get("/", REMOTE_ADDR="::ffff:203.0.113.9")) == "203.0.113.9"
    assert client_address(rf.get("/", REMOTE_ADDR="2001:db8::1")) == "2001:db8::1"


@pytest.mark.django_db
def test_admin_login_is_locked_after_five_failures_and_says_when_to_retry(client):
    UserFactory(username="editor", is_staff=True)
    login = "/admin/login/?next=/admin/"
    for _ in range(4):
        response = client.post(login, {"username": "editor", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(login, {"username": "editor", "password": "wrong"})
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many attempts" in response.content.decode()
    # Even the right password is refused while the lock holds.
    right = client.post(login, {"username": "editor", "password": "correct horse battery staple"})
    assert right.status_code == 429
    # Another address is not locked out.
    other = client.post(
        login,
        {"username": "editor", "password": "correct horse battery staple"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302


@pytest.mark.django_db
def test_failures_during_a_lockout_do_not_restart_it(client, monkeypatch):
    UserFactory(username="editor", is_staff=True)
    login = "/admin/login/?next=/admin/"
    right = {"username": "editor", "password": "correct horse battery staple"}
    start = timezone.now()

    def at(minutes):
        moment = start + timedelta(minutes=minutes)
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
        monkeypatch.setattr("axes.handlers.proxy.now", lambda: moment)

    at(0)
    for _ in range(5):
        client.post(login, {"username": "editor", "password": "wrong"})
    at(10)
    assert client.post(login, {"username": "editor", "password": "wrong"}).status_code == 429
    assert client.post(login, right).status_code == 429
    at(15.1)  # the cool-off counts from the fifth failure, not from the later ones
    assert client.post(login, right).status_code == 302


@pytest.mark.django_db
def test_a_successful_admin_login_clears_the_failures(client):
    UserFactory(username="editor", is_staff=True)
    login = "/admin/login/?next=/admin/"
    for _ in range(4):
        client.post(login, {"username": "editor", "password": "wrong"})
    ok = client.post(login, {"username": "editor", "password": "correct horse battery staple"})
    assert ok.status_code == 302
    client.logout()
    for _ in range(4):
        assert client.post(login, {"username": "editor", "password": "wrong"}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_identical_submits_through_the_view_make_one_recommendation(market_research):
    data = submission(budget="50")
    locations, barrier = [], threading.Barrier(10)

    def send():
        barrier.wait()
        locations.append(Client().post(QUESTIONNAIRE, data)["Location"])
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recommendation = Recommendation.objects.get()
    assert locations == [recommendation.get_absolute_url()] * 10


def test_a_resent_post_lands_on_the_same_link(client, market_research):
    data = submission()
    first = client.post(QUESTIONNAIRE, data)
    resent = client.post(QUESTIONNAIRE, data, follow=True)
    assert resent.redirect_chain == [(first["Location"], 302)]
    assert resent.status_code == 200
    assert Recommendation.objects.count() == 1
