"""The heat map's body rendered five ways, timed in-process (best of N, CPU time):

1. the Django template as it was (a `{% url %}` and five tags per cell);
2. the Django template with the report link built once per row (no `{% url %}` per cell);
3. Jinja2 with the same markup (needs jinja2 on sys.path: JINJA2_PATH=/tmp/jinja2lib);
4. compact: the cells as preformatted, escaped strings joined in Python (dashboards.rendering);
5. a fragment-cache hit: the rendered body read back from the cache (Redis in run.sh's env).

    python -m benchmarks.alternatives [kkr98 hovedstaden] [--n 15]

The selector (one SQL query and the shaping in Python) is timed on its own for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

DJANGO_AS_WAS = """{% load i18n %}{% for row in grid.rows %}
    <tr>
      <th scope="row" class="fw-normal text-nowrap"><a href="{% url 'dashboards:municipality' slug row.code %}?{{ qs }}">{{ row.municipality }}</a></th>
      {% for cell in row.cells %}<td class="level-{% if cell.level is None %}none{% else %}{{ cell.level }}{% endif %}">{% if cell.level is None %}<span aria-label="{% translate 'Ikke besvaret eller ikke indsendt' %}">·</span>{% elif public %}<span aria-label="{{ cell.code }}: {{ cell.label }}">{{ cell.level }}</span>{% else %}<a href="{% url 'reporting:report_detail' row.report_id %}#indsats-{{ cell.code }}" aria-label="{{ cell.code }}: {{ cell.label }}">{{ cell.level }}</a>{% endif %}</td>{% endfor %}
    </tr>
  {% endfor %}"""  # noqa: E501

DJANGO_URL_ONCE = """{% load i18n %}{% translate 'Ikke besvaret eller ikke indsendt' as missing %}{% for row in grid.rows %}
    <tr>
      <th scope="row" class="fw-normal text-nowrap"><a href="{{ municipality_prefix }}{{ row.code }}/?{{ qs }}">{{ row.municipality }}</a></th>
      {% with report=report_prefix|add:row.report_id %}{% for cell in row.cells %}<td class="level-{% if cell.level is None %}none{% else %}{{ cell.level }}{% endif %}">{% if cell.level is None %}<span aria-label="{{ missing }}">·</span>{% elif public %}<span aria-label="{{ cell.code }}: {{ cell.label }}">{{ cell.level }}</span>{% else %}<a href="{{ report_prefix }}{{ row.report_id }}/#indsats-{{ cell.code }}" aria-label="{{ cell.code }}: {{ cell.label }}">{{ cell.level }}</a>{% endif %}</td>{% endfor %}{% endwith %}
    </tr>
  {% endfor %}"""  # noqa: E501

JINJA = """{% for row in grid.rows %}
    <tr>
      <th scope="row" class="fw-normal text-nowrap"><a href="{{ municipality_prefix }}{{ row.code }}/?{{ qs }}">{{ row.municipality }}</a></th>
      {% for cell in row.cells %}<td class="level-{% if cell.level is none %}none{% else %}{{ cell.level }}{% endif %}">{% if cell.level is none %}<span aria-label="{{ missing }}">·</span>{% elif public %}<span aria-label="{{ cell.code }}: {{ cell.label }}">{{ cell.level }}</span>{% else %}<a href="{{ report_prefix }}{{ row.report_id }}/#indsats-{{ cell.code }}" aria-label="{{ cell.code }}: {{ cell.label }}">{{ cell.level }}</a>{% endif %}</td>{% endfor %}
    </tr>
  {% endfor %}"""  # noqa: E501


def best(function, n: int) -> tuple[str, object]:
    """Best CPU and wall time of n calls (best-of is the least disturbed by other load)."""
    cpu, wall, result = [], [], None
    for _ in range(n):
        c0, w0 = time.process_time(), time.perf_counter()
        result = function()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return f"{min(cpu):7.1f} ms CPU {min(wall):7.1f} ms wall", result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("datasets", nargs="*", default=["kkr98", "hovedstaden"])
    parser.add_argument("--n", type=int, default=15)
    parser.add_argument("--targets", default="benchmarks/out/targets.json")
    args = parser.parse_args()
    if os.environ.get("JINJA2_PATH"):
        sys.path.insert(0, os.environ["JINJA2_PATH"])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.template import engines
    from django.urls import reverse
    from django.utils import translation

    from dashboards import selectors
    from reporting.models import ReportEntry, ReportingRound

    translation.activate("da")
    django_engine = engines["django"]
    as_was = django_engine.from_string(DJANGO_AS_WAS)
    url_once = django_engine.from_string(DJANGO_URL_ONCE)
    try:
        import jinja2

        jinja = jinja2.Environment(autoescape=True).from_string(JINJA)
    except ImportError:
        jinja = None
    try:
        from dashboards import rendering
    except ImportError:
        rendering = None

    mandatory = ReportEntry.objects.filter(initiative_kind="mandatory")
    with open(args.targets, encoding="utf-8") as handle:
        targets = json.load(handle)
    for dataset in args.datasets:
        slug = targets[dataset]["pages"]["overview"].strip("/").split("/")[-1]
        round_ = ReportingRound.objects.filter(framework__slug=slug).order_by("-opens_on").first()
        shared = selectors.counted_statuses(include_drafts=False)
        ms, grid = best(
            lambda r=round_, s=shared: selectors.heat_map(round_=r, statuses=s, entries=mandatory),
            args.n,
        )
        cells = sum(len(r.cells) for r in grid.rows)
        print(f"{dataset}: {len(grid.rows)} rows × {len(grid.columns)} columns = {cells} cells")
        print(f"  selector (SQL + shaping)             {ms}")
        context = {
            "grid": grid,
            "slug": slug,
            "qs": "runde=x",
            "public": False,
            "report_prefix": reverse("reporting:report_detail", args=[0]).removesuffix("0/"),
            "municipality_prefix": reverse("dashboards:municipality", args=[slug, "000"])[:-4],
            "missing": "Ikke besvaret eller ikke indsendt",
        }
        timings = [
            ("Django template, as it was", lambda c=context: as_was.render(c)),
            ("Django template, links built once", lambda c=context: url_once.render(c)),
        ]
        if jinja is not None:
            timings.append(("Jinja2, same markup", lambda c=context: jinja.render(c)))
        if rendering is not None:
            timings.append(
                (
                    "compact (dashboards.rendering)",
                    lambda g=grid, s=slug: rendering.heat_map_rows(
                        g, slug=s, querystring="runde=x", public=False
                    ),
                )
            )
        for name, function in timings:
            ms, html = best(function, args.n)
            print(f"  {name:36s} {ms}  {len(html):>9,} chars")
        html = as_was.render(context)
        cache.set("bench:fragment", html, 60)
        ms, _ = best(lambda: cache.get("bench:fragment"), args.n)
        print(f"  {'fragment cache hit (' + type(cache).__name__ + ')':36s} {ms}")


if __name__ == "__main__":
    main()
