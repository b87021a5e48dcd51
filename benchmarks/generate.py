"""Benchmark data: a synthetic 98-municipality KKR with 20 closed rounds of 60 initiatives, next
to the Hovedstaden demo that `seed_demo` made (29 real municipalities, three rounds).

Run after `migrate`, `loaddata municipalities frameworks` and `seed_demo`:

    python -m benchmarks.generate benchmarks/out/targets.json

Everything is deterministic (no randomness) and bulk-created; the script writes the URLs to
measure and a handful of session keys of a secretariat user per data set to the JSON file.
The sessions are those of a complete sign-in: password and second factor (decision 14), with
the user's confirmed authenticator device, so that the pages answer and do not send the
secretariat to enter a code.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from importlib import import_module


def main(out_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Membership, User
    from accounts.services import memberships_changed
    from commitments.models import Framework, Initiative, InitiativeBlock, StrategicArea
    from municipalities.models import KKR, Municipality
    from reporting.models import Report, ReportEntry, ReportingRound
    from reporting.services.summaries import summaries_rebuild
    from twofactor.signals import HAS_DEVICE_SESSION_KEY, REQUIRED_SESSION_KEY

    started = time.monotonic()
    now = timezone.now()

    def rounds_for(framework: Framework, count: int, first_year: int, prefix: str):
        made = []
        for r in range(count):
            year = first_year + r
            made.append(
                ReportingRound(
                    framework=framework,
                    title=f"Afrapportering {year}",
                    slug=f"{prefix}-{year}",
                    opens_on=datetime.date(year, 1, 15),
                    deadline=datetime.date(year, 3, 15),
                    status=ReportingRound.Status.CLOSED,
                    opened_at=now,
                    closed_at=now,
                    published_at=now,
                )
            )
        ReportingRound.objects.bulk_create(made)
        return list(ReportingRound.objects.filter(framework=framework).order_by("opens_on"))

    def reports_and_entries(rounds, towns, initiatives, areas_by_block) -> int:
        Report.objects.bulk_create(
            Report(
                round=round_,
                municipality=town,
                status=Report.Status.APPROVED,
                submitted_at=now,
                reviewed_at=now,
            )
            for round_ in rounds
            for town in towns
        )
        reports = {
            (rep.round_id, rep.municipality_id): rep.pk
            for rep in Report.objects.filter(round__in=rounds)
        }
        count = 0
        batch: list[ReportEntry] = []
        for r, round_ in enumerate(rounds):
            for m, town in enumerate(towns):
                report_id = reports[(round_.pk, town.pk)]
                for i, item in enumerate(initiatives):
                    area = areas_by_block[item.block_id]
                    # Levels drift upwards over the rounds; every 23rd answer is missing.
                    level = min(4, (i + 2 * m) % 4 + r // 7)
                    if (i * 5 + m * 3 + r) % 23 == 0:
                        level = None
                    batch.append(
                        ReportEntry(
                            report_id=report_id,
                            initiative_id=item.pk,
                            initiative_code=item.code,
                            initiative_title=item.title,
                            initiative_text=item.text,
                            initiative_kind=item.kind,
                            area_number=area.number,
                            area_title=area.title,
                            block_title="",
                            position=i + 1,
                            status=level,
                            narrative=(
                                f"{town.name} arbejder med {item.code} i et tværgående team; "
                                f"fase {r // 4 + 1}."
                            ),
                        )
                    )
                if len(batch) >= 10_000:
                    ReportEntry.objects.bulk_create(batch)
                    count += len(batch)
                    batch = []
        ReportEntry.objects.bulk_create(batch)
        return count + len(batch)

    def sessions_for(user: User, n: int = 20) -> list[str]:
        session_store = import_module(settings.SESSION_ENGINE).SessionStore
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
        keys = []
        for _ in range(n):
            store = session_store()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            # What twofactor.signals and django_otp.login put in the session of a sign-in.
            store[REQUIRED_SESSION_KEY] = True
            store[HAS_DEVICE_SESSION_KEY] = True
            store[DEVICE_ID_SESSION_KEY] = device.persistent_id
            store.set_expiry(24 * 3600)
            store.create()
            keys.append(store.session_key)
        return keys

    def pages(framework: Framework, town_code: str, initiative_code: str) -> dict[str, str]:
        slug = framework.slug
        return {
            "overview": reverse("dashboards:overview", args=[slug]),
            "heat_map": reverse("dashboards:heat_map", args=[slug]),
            "trend": reverse("dashboards:trend", args=[slug]),
            "changes": reverse("dashboards:changes", args=[slug]),
            "municipality": reverse("dashboards:municipality", args=[slug, town_code]),
            "initiative": reverse("dashboards:initiative", args=[slug, initiative_code]),
            "bare": f"/bench/bare/{slug}/",
            "floor": "/bench/floor/",
            "chrome": "/bench/chrome/",
        }

    targets = {}
    with transaction.atomic():
        # --- The synthetic KKR: 98 municipalities, 60 mandatory initiatives, 20 rounds.
        kkr = KKR.objects.create(name="Benchmark-KKR", slug="benchmark", region="Syntetisk")
        towns = Municipality.objects.bulk_create(
            Municipality(
                code=f"{900 + n}",
                name=f"Prøvekommune {n + 1:02d}",
                official_name=f"Prøvekommune {n + 1:02d} Kommune",
                kkr=kkr,
            )
            for n in range(98)
        )
        towns = list(Municipality.objects.filter(kkr=kkr).order_by("name"))
        framework = Framework.objects.create(
            kkr=kkr,
            slug="benchmark-ramme",
            title="Syntetisk rammepapir med 60 forpligtende indsatser",
            status=Framework.Status.ADOPTED,
            adopted_on=datetime.date(2005, 6, 1),
        )
        area_titles = [
            "Tidlig opsporing og forebyggelse",
            "Sammenhængende forløb",
            "Recovery og inddragelse",
            "Kompetencer og samarbejde",
        ]
        areas, blocks = [], []
        for n, title in enumerate(area_titles, start=1):
            area = StrategicArea.objects.create(framework=framework, number=n, title=title)
            areas.append(area)
            blocks.append(InitiativeBlock.objects.create(area=area, number=1))
        initiatives = Initiative.objects.bulk_create(
            Initiative(
                framework=framework,
                block=blocks[i // 15],
                kind=Initiative.Kind.MANDATORY,
                code=f"{i // 15 + 1}.F{i % 15 + 1}",
                title=f"Forpligtende indsats {i // 15 + 1}.{i % 15 + 1}",
                text="Kommunen sikrer en fælles, dokumenteret praksis på området.",
                order=i % 15,
            )
            for i in range(60)
        )
        initiatives = list(
            Initiative.objects.filter(framework=framework).order_by("block__area__number", "order")
        )
        areas_by_block = {b.pk: b.area for b in blocks}
        rounds = rounds_for(framework, 20, 2006, "benchmark")
        entries = reports_and_entries(rounds, towns, initiatives, areas_by_block)
        secretariat, _ = User.objects.get_or_create(
            email="sekretariat@benchmark-kkr.demo", defaults={"full_name": "Bent Benchmark"}
        )
        _, created = Membership.objects.get_or_create(
            user=secretariat, role=Membership.Role.SECRETARIAT, kkr=kkr
        )
        if created:
            memberships_changed(user_id=secretariat.pk)
        targets["kkr98"] = {
            "label": "Benchmark-KKR (98 kommuner, 20 runder, 60 indsatser)",
            "municipalities": len(towns),
            "rounds": len(rounds),
            "initiatives": len(initiatives),
            "entries": entries,
            "pages": pages(framework, towns[0].code, initiatives[0].code),
            "sessions": sessions_for(secretariat),
        }

        # --- Hovedstaden: the demo as `seed_demo` made it (29 real municipalities, two closed
        # and approved rounds and the open one with a mix of drafts, submitted and approved).
        h_framework = Framework.objects.get(slug="hovedstaden-psykiatri")
        h_rounds = list(ReportingRound.objects.filter(framework=h_framework))
        if not h_rounds:
            raise SystemExit("run seed_demo first: the Hovedstaden demo has no rounds")
        h_towns = list(Municipality.objects.filter(kkr=h_framework.kkr).order_by("name"))
        h_entries = ReportEntry.objects.filter(report__round__in=h_rounds).count()
        h_secretariat = User.objects.get(email="sekretariat@kkr-hovedstaden.demo")
        mandatory = list(
            Initiative.objects.filter(
                framework=h_framework, kind=Initiative.Kind.MANDATORY
            ).in_display_order()
        )
        targets["hovedstaden"] = {
            "label": "KKR Hovedstaden (29 kommuner, demoens 3 runder, demo-rammepapiret)",
            "municipalities": len(h_towns),
            "rounds": len(h_rounds),
            "initiatives": len(mandatory),
            "entries": h_entries,
            "pages": pages(h_framework, h_towns[0].code, mandatory[0].code),
            "sessions": sessions_for(h_secretariat),
        }

    # Bulk-created entries bypass the services, which keep the reports' summaries.
    summaries_rebuild()

    os.makedirs(os.path.dirname(out_path) or ".", exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(targets, handle, indent=2, ensure_ascii=False)
    elapsed = time.monotonic() - started
    print(
        f"Generated {entries} + {h_entries} report entries in {elapsed:.1f} s -> {out_path}",
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/out/targets.json")
