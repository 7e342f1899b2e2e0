"""The link engine against real servers on 127.0.0.1 (the simulated web)."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from listlint.net.addresses import static_resolver
from listlint.net.cache import Cache
from listlint.net.engine import LinkEngine
from listlint.net.policy import EnginePolicy
from listlint.net.verdicts import Kind, Verdict, bot_signs, parse_retry_after

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from simulated_web import SimulatedWeb  # noqa: E402

FAST = dict(timeout=1.0, allow_private_hosts=True, backoff_base=0.05, backoff_max=0.2)


@pytest.fixture
def web() -> Iterator[SimulatedWeb]:
    with SimulatedWeb(["127.0.0.1"], slow_seconds=0.3, retry_after=1) as server:
        yield server


def policy(**values: Any) -> EnginePolicy:
    return EnginePolicy(**{**FAST, **values})


def check(
    urls: list[str], engine_policy: EnginePolicy | None = None, **engine_args: Any
) -> dict[str, Verdict]:
    async def run() -> dict[str, Verdict]:
        engine = LinkEngine(engine_policy or policy(), **engine_args)
        try:
            return await engine.check_all(urls)
        finally:
            await engine.aclose()

    return asyncio.run(run())


def one(url: str, **kwargs: Any) -> Verdict:
    return check([url], **kwargs)[url]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/ok/1", Kind.OK),
        ("/404/1", Kind.DEAD),
        ("/410/1", Kind.DEAD),
        ("/chain/3/1", Kind.OK),
        ("/head405/1", Kind.OK),
        ("/head403/1", Kind.OK),
        ("/slow/1", Kind.OK),
        ("/bot/1", Kind.BLOCKED),
        ("/loop/1", Kind.DEAD),
    ],
)
def test_answers_become_verdicts(web: SimulatedWeb, path: str, kind: Kind) -> None:
    verdict = one(web.url("127.0.0.1", path))
    assert verdict.kind is kind, verdict


def test_a_404_says_so(web: SimulatedWeb) -> None:
    verdict = one(web.url("127.0.0.1", "/404/x"))
    assert verdict.reason == "404 Not Found" and verdict.status == 404
    # HEAD got 404, so GET confirmed it before the link was called dead.
    assert [r.method for r in web.requests_to("/404/x")] == ["HEAD", "GET"]


@pytest.mark.parametrize("path", ["/flaky/1", "/retry-after/1", "/reset/1"])
def test_transient_faults_are_retried_into_ok(web: SimulatedWeb, path: str) -> None:
    started = time.monotonic()
    verdict = one(web.url("127.0.0.1", path))
    assert verdict.kind is Kind.OK, verdict
    assert len(web.requests_to(path)) >= 2
    if path == "/retry-after/1":
        assert time.monotonic() - started >= 0.9  # Retry-After: 1 was honoured


def test_a_persistent_503_is_unreachable_never_dead(web: SimulatedWeb) -> None:
    with SimulatedWeb(["127.0.0.1"]) as server:
        server._behave = always(503)  # type: ignore[method-assign]
        verdict = one(server.url("127.0.0.1", "/x"), engine_policy=policy(max_retries=2))
        assert verdict.kind is Kind.UNREACHABLE and verdict.status == 503
        # HEAD, then GET (the first retry of a 5xx) and one more: 1 + max-retries
        assert [request.method for request in server.log] == ["HEAD", "GET", "GET"]


def always(status: int, headers: dict[str, str] | None = None) -> Any:
    from simulated_web import send

    async def behave(host: str, method: str, path: str, writer: Any) -> bool:
        return await send(writer, method, status, "Status", headers)

    return behave


def test_a_huge_retry_after_is_capped_not_waited(web: SimulatedWeb) -> None:
    with SimulatedWeb(["127.0.0.1"]) as server:
        server._behave = always(429, {"Retry-After": "31536000"})  # type: ignore[method-assign]
        started = time.monotonic()
        verdict = one(server.url("127.0.0.1", "/x"), engine_policy=policy(max_retry_after=5))
        assert time.monotonic() - started < 2
        assert verdict.kind is Kind.UNREACHABLE and "exceeds max-retry-after" in verdict.reason


def test_a_hanging_server_ends_unreachable_within_the_budget(web: SimulatedWeb) -> None:
    started = time.monotonic()
    verdict = one(web.url("127.0.0.1", "/hang/1"), engine_policy=policy(timeout=0.5))
    elapsed = time.monotonic() - started
    assert verdict.kind is Kind.UNREACHABLE and "timed out" in verdict.reason
    assert elapsed < 0.5 * 2 + 1.0  # one retry at most


def test_each_unique_url_is_fetched_once(web: SimulatedWeb) -> None:
    url = web.url("127.0.0.1", "/ok/once")

    async def run() -> list[Verdict]:
        engine = LinkEngine(policy())
        try:
            first = await asyncio.gather(engine.check(url), engine.check(url + "#frag"))
            again = await engine.check(url)
            return [*first, again]
        finally:
            await engine.aclose()

    verdicts = asyncio.run(run())
    assert all(v.kind is Kind.OK for v in verdicts)
    assert len(web.requests_to("/ok/once")) == 1


def test_a_permanent_redirect_reports_its_target_and_a_temporary_one_does_not(web: SimulatedWeb) -> None:
    moved = one(web.url("127.0.0.1", "/moved/7"))
    assert moved.kind is Kind.OK and moved.moved_to == web.url("127.0.0.1", "/ok/moved-7")
    # /chain/2: 302 first, so nothing is permanent from the link's point of view.
    assert one(web.url("127.0.0.1", "/chain/2/1")).moved_to is None


def test_too_many_redirects_is_dead(web: SimulatedWeb) -> None:
    verdict = one(web.url("127.0.0.1", "/chain/6/1"), engine_policy=policy(max_redirects=3))
    assert verdict.kind is Kind.DEAD and "more than 3 redirects" in verdict.reason


@pytest.mark.parametrize("location", ["file:///etc/passwd", "javascript:alert(1)"])
def test_redirects_to_other_schemes_are_not_followed(location: str) -> None:
    with SimulatedWeb(["127.0.0.1"]) as server:
        server._behave = always(302, {"Location": location})  # type: ignore[method-assign]
        verdict = one(server.url("127.0.0.1", "/x"))
    assert verdict.kind is Kind.UNREACHABLE and "not followed" in verdict.reason


def test_an_endless_body_is_not_downloaded(web: SimulatedWeb) -> None:
    started = time.monotonic()
    verdict = one(web.url("127.0.0.1", "/endless/1"))
    assert verdict.kind is Kind.OK
    assert time.monotonic() - started < 2
    time.sleep(0.2)
    assert web.endless_bytes < 50_000_000


def test_a_crowded_host_is_slowed_down_not_reported(web: SimulatedWeb) -> None:
    with SimulatedWeb(
        ["127.0.0.1"], crowded={"127.0.0.1"}, crowd_limit=2, latency={"127.0.0.1": 0.05}
    ) as server:
        urls = [server.url("127.0.0.1", f"/ok/{n}") for n in range(30)]
        # The per-URL deadline is not under test here: a loaded machine must not trip it.
        verdicts = check(urls, engine_policy=policy(host_concurrency=8, max_retries=6, url_deadline=30.0))
    assert all(v.kind is Kind.OK for v in verdicts.values()), [
        v for v in verdicts.values() if v.kind is not Kind.OK
    ]


def test_per_host_and_global_concurrency_limits_hold(web: SimulatedWeb) -> None:
    with SimulatedWeb(["127.0.0.1"], latency={"127.0.0.1": 0.05}) as server:
        urls = [server.url("127.0.0.1", f"/ok/{n}") for n in range(20)]
        check(urls, engine_policy=policy(hosts={"127.0.0.1": {"concurrency": 3}}))
        assert server.peak["127.0.0.1"] <= 3
    with SimulatedWeb(["127.0.0.1"], latency={"127.0.0.1": 0.05}) as server:
        check(
            urls := [server.url("127.0.0.1", f"/ok/{n}") for n in range(20)],
            engine_policy=policy(max_concurrency=2),
        )
        assert server.peak["127.0.0.1"] <= 2 and len(urls) == 20


def test_a_host_interval_paces_requests(web: SimulatedWeb) -> None:
    urls = [web.url("127.0.0.1", f"/ok/p{n}") for n in range(4)]
    started = time.monotonic()
    check(urls, engine_policy=policy(hosts={"127.0.0.1": {"interval": 0.15}}))
    assert time.monotonic() - started >= 0.4


def test_a_name_that_does_not_resolve_is_dead_while_others_answer(web: SimulatedWeb) -> None:
    resolver = static_resolver({"alive.example": "127.0.0.1"})
    good = f"http://alive.example:{web.port}/ok/1"
    bad = f"http://no-such-name.example:{web.port}/ok/1"

    async def run() -> tuple[dict[str, Verdict], bool]:
        engine = LinkEngine(policy(), resolver=resolver)
        try:
            return await engine.check_all([good, bad]), engine.network_down
        finally:
            await engine.aclose()

    verdicts, down = asyncio.run(run())
    assert verdicts[good].kind is Kind.OK
    assert verdicts[bad].kind is Kind.DEAD and "does not resolve" in verdicts[bad].reason
    assert not down


def test_no_name_resolving_means_the_network_is_down() -> None:
    async def run() -> tuple[LinkEngine, dict[str, Verdict]]:
        engine = LinkEngine(policy(), resolver=static_resolver({}))
        try:
            return engine, await engine.check_all([f"https://host{n}.example/page" for n in range(5)])
        finally:
            await engine.aclose()

    engine, verdicts = asyncio.run(run())
    assert engine.network_down and len(engine.not_checked()) == 5


def test_a_public_name_resolving_to_a_private_address_is_not_fetched(web: SimulatedWeb) -> None:
    resolver = static_resolver({"public-looking.example": "127.0.0.1"})
    url = f"http://public-looking.example:{web.port}/ok/secret"
    verdict = one(url, engine_policy=policy(allow_private_hosts=False), resolver=resolver)
    assert verdict.kind is Kind.PRIVATE and "127.0.0.1" in verdict.reason
    assert web.log == []  # nothing reached the server
    # The same link with the protection off is fetched and alive.
    assert one(url, resolver=resolver).kind is Kind.OK


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/",
        "http://localhost/x",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/",
        "http://[::ffff:192.168.0.1]/",
    ],
)
def test_private_literals_are_not_fetched(url: str) -> None:
    verdict = one(url, engine_policy=policy(allow_private_hosts=False))
    assert verdict.kind is Kind.PRIVATE


def test_tokens_go_only_to_their_host_never_across_redirects(web: SimulatedWeb) -> None:
    resolver = static_resolver({"a.example": "127.0.0.1", "b.example": "127.0.0.1"})
    target = f"http://b.example:{web.port}/ok/landing"

    async def behave(host: str, method: str, path: str, writer: Any) -> bool:
        from simulated_web import send

        if path == "/start":
            return await send(writer, method, 302, "Found", {"Location": target})
        return await send(writer, method, 200, "OK")

    web._behave = behave  # type: ignore[method-assign]
    hosts = {"a.example": {"headers": {"Authorization": "Bearer SECRET-A"}}}
    verdict = one(f"http://a.example:{web.port}/start", engine_policy=policy(hosts=hosts), resolver=resolver)
    assert verdict.kind is Kind.OK
    first, landing = web.requests_to("/start")[0], web.requests_to("/ok/landing")[0]
    assert first.headers.get("authorization") == "Bearer SECRET-A"
    assert "authorization" not in landing.headers
    assert "SECRET-A" not in repr(verdict)


def test_header_values_expand_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LISTLINT_TEST_TOKEN", "t0k")
    hosts = {
        "x.example": {
            "headers": {
                "Authorization": "token ${LISTLINT_TEST_TOKEN}",
                "X-Missing": "${LISTLINT_UNSET_VARIABLE}",
            }
        }
    }
    assert dict(policy(hosts=hosts).host("x.example").headers) == {"Authorization": "token t0k"}
    assert dict(policy(hosts=hosts).host("y.example").headers) == {}


def test_the_cache_answers_the_second_run(web: SimulatedWeb, tmp_path: Path) -> None:
    urls = [web.url("127.0.0.1", p) for p in ("/ok/c", "/404/c", "/hang/c")]
    fast = policy(timeout=1.0)  # short for the hang, long enough for a loaded machine
    cache = Cache.open(tmp_path)
    try:
        first = check(urls, fast, cache=cache)
        count = len(web.log)
        second = check(urls, fast, cache=cache)
    finally:
        cache.close()
    assert [first[u].kind for u in urls] == [Kind.OK, Kind.DEAD, Kind.UNREACHABLE]
    assert [second[u].kind for u in urls] == [Kind.OK, Kind.DEAD, Kind.UNREACHABLE]
    assert second[urls[0]].cached and second[urls[1]].cached and not second[urls[2]].cached
    # Only the unverifiable link was asked again.
    assert {r.path for r in web.log[count:]} == {"/hang/c"}


def test_transient_results_are_never_cached(tmp_path: Path) -> None:
    with SimulatedWeb(["127.0.0.1"]) as server:
        server._behave = always(503)  # type: ignore[method-assign]
        cache = Cache.open(tmp_path)
        try:
            check([server.url("127.0.0.1", "/x")], policy(max_retries=0), cache=cache)
            assert cache.connection.execute("SELECT COUNT(*) FROM entries").fetchone()[0] == 0
        finally:
            cache.close()


def test_accepted_status_codes(web: SimulatedWeb) -> None:
    url = web.url("127.0.0.1", "/410/acc")
    assert one(url, engine_policy=policy(accept=((410, 410),))).kind is Kind.OK


def test_include_and_exclude_patterns() -> None:
    import re

    rules = policy(include=(re.compile("example"),), exclude=(re.compile(r"/private/"),))
    assert rules.wants("https://example.org/a")
    assert not rules.wants("https://example.org/private/a")
    assert not rules.wants("https://other.org/a")


def test_bot_signs_and_retry_after_parsing() -> None:
    assert bot_signs({"cf-mitigated": "challenge"}, b"") is not None
    assert bot_signs({"server": "nginx"}, b"<p>Please complete the CAPTCHA</p>") == "CAPTCHA"
    assert bot_signs({"server": "nginx"}, b"<h1>Not here</h1>") is None
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0) == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("soon") is None


def test_a_warm_cache_with_only_failing_fresh_links_is_not_offline(web: SimulatedWeb, tmp_path: Path) -> None:
    resolver = static_resolver({"alive.example": "127.0.0.1"})
    good = f"http://alive.example:{web.port}/ok/warm"
    typo = f"http://typo.example:{web.port}/ok/warm"
    hang = f"http://alive.example:{web.port}/hang/warm"
    cache = Cache.open(tmp_path)

    async def run(urls: list[str]) -> tuple[dict[str, Verdict], bool]:
        engine = LinkEngine(policy(timeout=0.3), resolver=resolver, cache=cache)
        try:
            verdicts = await engine.check_all(urls)
            await engine.settle()
            return verdicts, engine.network_down
        finally:
            await engine.aclose()

    try:
        asyncio.run(run([good]))
        verdicts, down = asyncio.run(run([good, typo, hang]))
    finally:
        cache.close()
    assert verdicts[good].cached and not down  # the probe of a cached link answered
    assert verdicts[typo].kind is Kind.DEAD and verdicts[hang].kind is Kind.UNREACHABLE
