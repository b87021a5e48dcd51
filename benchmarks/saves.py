"""Concurrent saves and submits by all 29 Hovedstaden coordinators, through the load balancer.

Run by benchmarks/scaleout.sh, which starts the instances and the balancer; by hand:

    python -m benchmarks.saves prepare            # every demo report of the open round: a draft
    python -m benchmarks.saves drive URL SECONDS OUT.json [--fault-at S --fault-cmd CMD ...]
    python -m benchmarks.saves verify OUT.json    # the database against what was acknowledged
    python -m benchmarks.saves summary OUT.json --logs A.log B.log   # print the figures
    python -m benchmarks.saves cost               # CPU per form and save, in-process

Each coordinator, in its own thread and with its own session, repeats: load the report form,
save a draft with a new marker in the political body field and the first narrative, load and
save again, then submit with a new marker; the KKR secretariat returns the report and looks
at the heat map (the page that uses the Redis cache most), and the cycle starts again. A save
is *acknowledged* when the portal answers with its redirect (302); a marker is *sent* when the
request went out, whatever came back. After a failure (an error
page, a refused connection, a conflict) the coordinator loads the form again and carries on,
as a person would.

`verify` reads every report from the database: it must hold the marker of its last
acknowledged save, or of a save sent after it whose answer was lost (it reached the database
but the answer did not reach the coordinator); never an older one, never anything else.
Traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import collections
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser

PASSWORD = "Psykiatri-demo-2026"
SECRETARIAT = "sekretariat@kkr-hovedstaden.demo"
ROUND_SLUG = "statusopfoelgning-2026"
DASHBOARD = "/overblik/hovedstaden-psykiatri/statuskort/"
REQUEST_TIMEOUT = 120  # about as patient as a browser
GRACE = 300  # seconds after the end for a coordinator to finish the step under way
THINK = float(os.environ.get("THINK", 2))  # seconds a coordinator pauses between pages


# --- the form ------------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The name/value pairs a browser would send for the form with the given id."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs_list):
        attrs = dict(attrs_list)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if tag == "option":
            if self._select and "selected" in attrs:
                self.fields.append((self._select, attrs.get("value", "")))
            return
        owner = attrs.get("form", self.form_id if self.inside else None)
        if owner != self.form_id or "name" not in attrs:
            return
        name, kind = attrs["name"], attrs.get("type", "text")
        if tag == "input" and kind not in {"submit", "button", "file", "reset"}:
            if kind not in {"radio", "checkbox"}:
                self.fields.append((name, attrs.get("value") or ""))
            elif "checked" in attrs:
                self.fields.append((name, attrs.get("value", "on")))
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def complete(fields: list[tuple[str, str]], marker: str) -> list[tuple[str, str]]:
    """The form as a coordinator fills it in: every entry answered, the marker in two places."""
    data = [(name, value) for name, value in fields if name != "action"]
    names = {name for name, _ in data}
    entries = sorted({m.group(1) for name in names if (m := re.match(r"entry-(\d+)-", name))})
    filled: dict[str, str] = {}
    for entry in entries:
        if f"entry-{entry}-participation" in names:
            filled.setdefault(f"entry-{entry}-participation", "no")
        elif f"entry-{entry}-status" in names:
            filled.setdefault(f"entry-{entry}-status", "2")
    first_narrative = next(
        (f"entry-{e}-narrative" for e in entries if f"entry-{e}-narrative" in names), None
    )
    result = []
    seen_status = set()
    for name, value in data:
        if name == "report-council_body" or name == first_narrative:
            value = marker
        elif name.endswith("-narrative") and not value.strip():
            value = "Kommunen arbejder med indsatsen."
        elif name in filled and not value:
            value = filled[name]
        if name.endswith("-status") or name.endswith("-participation"):
            seen_status.add(name)
        result.append((name, value))
    # A radio group with nothing checked sends nothing: add the answer.
    result += [(name, value) for name, value in filled.items() if name not in seen_status]
    return result


# --- one coordinator -----------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    headers: object
    ms: float


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Client:
    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path: str, data: list[tuple[str, str]] | None = None) -> Answer:
        """The answer; status 0 for a connection that failed."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Referer", self.base + path)
        started = time.perf_counter()

        def answer(status, text, headers):
            return Answer(status, text, headers, (time.perf_counter() - started) * 1000)

        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return answer(response.status, response.read().decode(), response.headers)
        except urllib.error.HTTPError as error:
            return answer(error.code, error.read().decode(errors="replace"), error.headers)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
            return answer(0, str(error), {})

    def login(self, email: str) -> None:
        for _attempt in range(20):
            page = self.request("/konto/log-ind/")
            if page.status == 200:
                sent = self.request(
                    "/konto/log-ind/",
                    [
                        ("csrfmiddlewaretoken", csrf_token(page.body)),
                        ("username", email),
                        ("password", PASSWORD),
                    ],
                )
                if sent.status == 302:
                    return
            time.sleep(0.5)
        raise RuntimeError(f"{email} could not sign in")


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: collections.Counter = field(default_factory=collections.Counter)
    server_errors: list[dict] = field(default_factory=list)
    timeline: list[tuple[float, int, float]] = field(default_factory=list)
    saves_acknowledged: int = 0
    submits_acknowledged: int = 0
    returns_acknowledged: int = 0
    conflicts: int = 0
    started: float = field(default_factory=time.monotonic)

    def record(self, answer: Answer, what: str) -> None:
        status, body, headers = answer.status, answer.body, answer.headers
        with self.lock:
            self.statuses[status] += 1
            at = round(time.monotonic() - self.started, 2)
            self.timeline.append((at, status, round(answer.ms, 1)))
            if status == 0 or status >= 500:
                self.server_errors.append(
                    {
                        "at": round(time.monotonic() - self.started, 2),
                        "status": status,
                        "what": what,
                        "danish_503_page": status == 503 and 'lang="da"' in body,
                        "title": _title(body),
                        "request_id": headers.get("X-Request-ID") if headers else None,
                    }
                )


def _title(body: str) -> str:
    match = re.search(r"<title>(.*?)</title>", body, re.S)
    return match.group(1).strip() if match else body[:80]


@dataclass
class Coordinator:
    email: str
    report_id: int
    client: Client
    tally: Tally
    secretariat: Client
    counter: int = 0
    acknowledged: str = ""
    sent_since_ack: list[str] = field(default_factory=list)
    cycles: int = 0

    def _marker(self) -> str:
        self.counter += 1
        return f"{self.email.split('@')[1].split('.')[0]} #{self.counter}"

    def _post(self, action: str) -> str:
        """Save (or submit) once: 'ack', 'conflict', 'locked' (already submitted) or 'failed'."""
        path = f"/afrapportering/rapporter/{self.report_id}/rediger/"
        time.sleep(THINK)
        page = self.client.request(path)
        self.tally.record(page, "form")
        time.sleep(THINK)  # reading and typing
        if page.status == 403:  # submitted by an earlier request whose answer was lost
            return "locked"
        if page.status != 200:
            return "failed"
        marker = self._marker()
        data = [*complete(form_fields(page.body, "report-form"), marker), ("action", action)]
        self.sent_since_ack.append(marker)
        sent = self.client.request(path, data)
        self.tally.record(sent, action)
        status = sent.status
        if status == 302:
            self.acknowledged, self.sent_since_ack = marker, []
            return "ack"
        if status == 409:
            with self.tally.lock:
                self.tally.conflicts += 1
            return "conflict"
        return "failed"

    def _return(self) -> bool:
        path = f"/afrapportering/rapporter/{self.report_id}/"
        page = self.secretariat.request(path)
        self.tally.record(page, "review page")
        if page.status != 200:
            return False
        if "send-retur" not in page.body:  # already returned (an earlier answer was lost)
            return True
        sent = self.secretariat.request(
            f"{path}send-retur/",
            [("csrfmiddlewaretoken", csrf_token(page.body)), ("comment", "Uddyb venligst.")],
        )
        self.tally.record(sent, "return")
        return sent.status == 302

    def _until(self, step, deadline: float) -> str:
        while time.monotonic() < deadline + GRACE:  # a step under way is finished after the end
            outcome = step()
            if outcome in {"ack", "locked", True}:
                return outcome
            time.sleep(0.3)
        raise RuntimeError(f"{self.email}: no answer for {GRACE} s after the end")

    def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            self._until(lambda: self._post("save"), deadline)
            self._until(lambda: self._post("save"), deadline)
            outcome = self._until(lambda: self._post("submit"), deadline)
            with self.tally.lock:
                self.tally.saves_acknowledged += 2
                self.tally.submits_acknowledged += outcome == "ack"
            self._until(self._return, deadline)
            with self.tally.lock:
                self.tally.returns_acknowledged += 1
            # The secretariat looks at the heat map, the page that uses the cache most.
            self.tally.record(self.secretariat.request(DASHBOARD), "dashboard")
            self.cycles += 1


# --- the three commands --------------------------------------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()


def prepare() -> None:
    """Every Hovedstaden report of the open round back to an editable draft."""
    _django()
    from reporting.models import Report

    reports = Report.objects.filter(round__slug=ROUND_SLUG, municipality__kkr__slug="hovedstaden")
    updated = reports.update(status=Report.Status.DRAFT, submitted_at=None, reviewed_at=None)
    print(f"{updated} reports of {ROUND_SLUG} are drafts")


def _coordinators() -> list[tuple[str, int]]:
    _django()
    from accounts.models import Membership
    from reporting.models import Report

    reports = {
        r.municipality_id: r.pk
        for r in Report.objects.filter(
            round__slug=ROUND_SLUG, municipality__kkr__slug="hovedstaden"
        )
    }
    memberships = Membership.objects.filter(
        role=Membership.Role.COORDINATOR,
        municipality_id__in=reports,
        user__email__endswith=".demo",
    ).select_related("user")
    chosen: dict[int, str] = {}
    for membership in memberships.order_by("user__email"):
        chosen.setdefault(membership.municipality_id, membership.user.email)
    return [(email, reports[municipality]) for municipality, email in sorted(chosen.items())]


def drive(base: str, seconds: float, out: str, faults: list[tuple[float, str]]) -> None:
    coordinators = _coordinators()
    tally = Tally()
    secretariat = Client(base)
    secretariat.login(SECRETARIAT)
    people = []
    for email, report_id in coordinators:
        client = Client(base)
        client.login(email)
        people.append(Coordinator(email, report_id, client, tally, secretariat))
    print(f"{len(people)} coordinators signed in; load for {seconds:g} s", flush=True)
    tally.started = time.monotonic()
    deadline = tally.started + seconds
    fault_log = []

    def inject(at: float, command: str) -> None:
        time.sleep(at)
        begun = time.monotonic() - tally.started
        result = subprocess.run(command, shell=True, capture_output=True, text=True)
        fault_log.append(
            {
                "at": round(begun, 2),
                "took": round(time.monotonic() - tally.started - begun, 2),
                "command": command,
                "exit": result.returncode,
            }
        )
        print(f"[{begun:5.1f}s] {command} -> exit {result.returncode}", flush=True)

    threads = [threading.Thread(target=p.run, args=(deadline,)) for p in people]
    threads += [threading.Thread(target=inject, args=fault, daemon=True) for fault in faults]
    for thread in threads:
        thread.start()
    for thread in threads[: len(people)]:
        thread.join()
    elapsed = time.monotonic() - tally.started
    result = {
        "seconds": round(elapsed, 1),
        "coordinators": len(people),
        "cycles": sum(p.cycles for p in people),
        "requests": sum(tally.statuses.values()),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "saves_acknowledged": tally.saves_acknowledged,
        "submits_acknowledged": tally.submits_acknowledged,
        "returns_acknowledged": tally.returns_acknowledged,
        "conflicts": tally.conflicts,
        "server_errors": tally.server_errors,
        "faults": fault_log,
        "expected": {
            str(p.report_id): {"acknowledged": p.acknowledged, "sent_after": p.sent_since_ack}
            for p in people
        },
        "timeline": tally.timeline,
    }
    with open(out, "w") as handle:
        json.dump(result, handle, indent=1, ensure_ascii=False)
    print(
        f"{result['requests']} requests in {elapsed:.0f} s ({result['requests'] / elapsed:.0f}/s), "
        f"{result['cycles']} save-save-submit-return cycles, statuses {result['statuses']}",
        flush=True,
    )


def verify(out: str) -> int:
    _django()
    from reporting.models import Report

    with open(out) as handle:
        result = json.load(handle)
    lost, unacknowledged_kept, never_acknowledged = [], 0, 0
    for report in Report.objects.filter(pk__in=[int(pk) for pk in result["expected"]]):
        expected = result["expected"][str(report.pk)]
        first_narrative = report.entries.filter(initiative_kind="mandatory").order_by("position")
        narrative = first_narrative.values_list("narrative", flat=True).first()
        held = report.council_body
        if not expected["acknowledged"]:
            never_acknowledged += 1  # nothing acknowledged, so nothing that could be lost
            continue
        if held == expected["acknowledged"] and narrative == held:
            continue
        if held in expected["sent_after"] and narrative == held:
            unacknowledged_kept += 1
            continue
        lost.append(
            {"report": report.pk, "expected": expected, "held": held, "narrative": narrative}
        )
    result["verification"] = {
        "reports": len(result["expected"]),
        "lost": lost,
        "held_a_later_unacknowledged_save": unacknowledged_kept,
        "never_acknowledged": never_acknowledged,
    }
    with open(out, "w") as handle:
        json.dump(result, handle, indent=1, ensure_ascii=False)
    print(
        f"verified {len(result['expected'])} reports in the database: {len(lost)} lost saves, "
        f"{unacknowledged_kept} holding a later save whose answer was lost, "
        f"{never_acknowledged} without any acknowledged save"
    )
    return 1 if lost or never_acknowledged else 0


def cost(repeat: int) -> None:
    """CPU time per request of the report form and its save, in-process (no HTTP, no load)."""
    _django()
    from django.conf import settings
    from django.test import Client as DjangoClient

    from accounts.models import User

    settings.ALLOWED_HOSTS = ["testserver"]
    email, report_id = _coordinators()[0]
    client = DjangoClient()
    client.force_login(User.objects.get(email=email))
    path = f"/afrapportering/rapporter/{report_id}/rediger/"
    timings: dict[str, list[float]] = {"form (GET)": [], "save (POST)": []}
    for number in range(repeat + 1):
        started = time.process_time()
        page = client.get(path)
        form_ms = (time.process_time() - started) * 1000
        data = [*complete(form_fields(page.content.decode(), "report-form"), f"cost #{number}")]
        started = time.process_time()
        saved = client.post(path, dict_of_lists(data) | {"action": "save"})
        save_ms = (time.process_time() - started) * 1000
        if page.status_code != 200 or saved.status_code != 302:
            raise RuntimeError(f"form {page.status_code}, save {saved.status_code}")
        if number:  # the first round warms up imports and templates
            timings["form (GET)"].append(form_ms)
            timings["save (POST)"].append(save_ms)
    for name, values in timings.items():
        print(f"{name}: median {_percentile(values, 0.5):.0f} ms CPU over {repeat} requests")


def dict_of_lists(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = collections.defaultdict(list)
    for name, value in pairs:
        grouped[name].append(value)
    return dict(grouped)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def summary(out: str, logs: list[str], window: float) -> None:
    """Print the figures of a run: throughput, answers, latency around the fault, the check."""
    with open(out) as handle:
        result = json.load(handle)
    timeline = result["timeline"]
    faults = result["faults"]
    lines = [
        f"coordinators: {result['coordinators']}, {result['seconds']} s, "
        f"{result['requests']} requests ({result['requests'] / result['seconds']:.0f}/s)",
        f"acknowledged: {result['saves_acknowledged']} saves, {result['submits_acknowledged']} "
        f"submits, {result['returns_acknowledged']} returns "
        f"({result['cycles']} full cycles); conflicts: {result['conflicts']}",
        f"answers by status: {result['statuses']}",
    ]
    for path in logs:
        with open(path) as handle:
            served = sum('"logger": "core.requests"' in line for line in handle)
        lines.append(f"requests served by {os.path.basename(path)}: {served}")
    if faults:
        start = faults[0]["at"]
        end = faults[-1]["at"] + faults[-1]["took"]
        periods = {
            "before the fault": (0, start),
            f"fault and {window:g} s after": (start, end + window),
            "after that": (end + window, float("inf")),
        }
        for fault in faults:
            lines.append(f"fault at {fault['at']} s: {fault['command']} ({fault['took']} s)")
    else:
        periods = {"whole run": (0, float("inf"))}
    for name, (low, high) in periods.items():
        inside = [(status, ms) for at, status, ms in timeline if low <= at < high]
        times = [ms for _, ms in inside]
        bad = collections.Counter(status for status, _ in inside if status == 0 or status >= 500)
        lines.append(
            f"{name}: {len(inside)} requests, p50 {_percentile(times, 0.5):.0f} ms, "
            f"p95 {_percentile(times, 0.95):.0f} ms, max {max(times, default=0):.0f} ms, "
            f"errors {dict(bad) or 0}"
        )
    errors = result["server_errors"]
    if errors:
        lines.append(f"server errors and failed connections: {len(errors)}")
        shown = collections.Counter(
            (e["status"], e["what"], e["title"], e["danish_503_page"]) for e in errors
        )
        for (status, what, title, danish), count in shown.most_common(8):
            lines.append(f"  {count} x {status} on {what}: {title!r} (Danish 503 page: {danish})")
    else:
        lines.append("server errors and failed connections: 0")
    check = result.get("verification")
    if check:
        lines.append(
            f"database check: {check['reports']} reports, {len(check['lost'])} acknowledged "
            f"saves lost, {check['held_a_later_unacknowledged_save']} holding a later save "
            f"whose answer was lost, {check['never_acknowledged']} without any acknowledged save"
        )
    print("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare")
    run = commands.add_parser("drive")
    run.add_argument("base")
    run.add_argument("seconds", type=float)
    run.add_argument("out")
    run.add_argument("--fault-at", type=float, action="append", default=[])
    run.add_argument("--fault-cmd", action="append", default=[])
    check = commands.add_parser("verify")
    check.add_argument("out")
    commands.add_parser("cost").add_argument("--repeat", type=int, default=10)
    figures = commands.add_parser("summary")
    figures.add_argument("out")
    figures.add_argument("--logs", nargs="*", default=[])
    figures.add_argument("--window", type=float, default=10)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare()
        return 0
    if args.command == "drive":
        drive(
            args.base, args.seconds, args.out, list(zip(args.fault_at, args.fault_cmd, strict=True))
        )
        return 0
    if args.command == "cost":
        cost(args.repeat)
        return 0
    if args.command == "summary":
        summary(args.out, args.logs, args.window)
        return 0
    return verify(args.out)


if __name__ == "__main__":
    sys.exit(main())
