"""The dashboards' compact renderings write exactly what their template loops wrote
(dashboards/rendering.py): the same bytes, for every kind of cell and movement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from dashboards import rendering
from dashboards.selectors import NOT_SUBMITTED, Movement, ProfileRow

# The loops as the templates had them before the compact rendering.
MOVEMENTS_LOOP = (
    "{% load i18n %}"
    "{% for move in movements %}\n"
    '      <li><span class="font-monospace text-body-secondary">{{ move.code }}</span> '
    "{{ move.title }}:\n"
    '        {% if move.direction == "up" %}<span class="text-success fw-semibold">▲ '
    '{% translate "op" %}</span>{% elif move.direction == "down" %}<span class="text-danger '
    'fw-semibold">▼ {% translate "ned" %}</span>{% else %}<span class="fw-semibold">'
    '{% translate "nyt svar" %}</span>{% endif %}\n'
    "        {% if move.before_label %}{{ move.before_label }} → {% endif %}"
    "{{ move.after_label }}</li>\n"
    "      {% endfor %}"
)
CELLS_LOOP = (
    "{% load i18n dashboard_tags %}"
    '{% for r, level, label in row.levels %}<td class="text-center {% if level is None %}'
    'level-none{% elif level == "not_submitted" %}level-not_submitted{% elif row.kind == "pilot" %}'
    "participation-{{ level }}{% else %}level-{{ level }}{% endif %}"
    "{% if row.draft and r == round %}"
    ' own-draft{% endif %}"><span title="{{ label }}">{% if level is None %}·{% elif level == '
    '"not_submitted" %}–{% elif row.kind == "pilot" %}{{ level|participation_symbol }}{% else %}'
    '{{ level }}{% endif %}</span><span class="visually-hidden"> {{ label }}{% if row.draft and '
    'r == round %} ({% translate "Kladde – ikke indsendt" %}){% endif %}</span></td>{% endfor %}'
)


@dataclass
class _Round:
    pk: int
    opens_on: date


@pytest.mark.parametrize("language", ["da", "en"])
def test_movements_are_written_as_the_template_wrote_them(language):
    movements = [
        Movement("1.F1", "Tidlig indsats & <samarbejde>", 1, 3, "Planlagt", "Forankret"),
        Movement("1.F2", 'Rådgivning "for" unge', 4, 2, "I drift", "Igangsat"),
        Movement("2.F1", "Nyt tilbud", None, 2, "", "Igangsat"),
    ]
    with translation.override(language):
        expected = Template(MOVEMENTS_LOOP).render(Context({"movements": movements}))
        assert str(rendering.movement_items(movements)) == expected
    assert "▼" in expected
    assert "▲" in expected
    assert "&amp; &lt;samarbejde&gt;" in expected


@pytest.mark.parametrize("draft", [False, True])
@pytest.mark.parametrize("kind", ["mandatory", "pilot"])
def test_profile_cells_are_written_as_the_template_wrote_them(kind, draft):
    rounds = [_Round(1, date(2025, 1, 1)), _Round(2, date(2026, 1, 1)), _Round(3, date(2027, 1, 1))]
    value = 3 if kind == "mandatory" else "lead"
    row = ProfileRow(
        code="1.F1",
        title="Indsats",
        area_number=1,
        kind=kind,
        levels=[
            (rounds[0], None, "Ikke besvaret"),
            (rounds[1], NOT_SUBMITTED, "Ikke indsendt"),
            (rounds[2], value, "Forankret <&>"),
        ],
        kkr_average=None,
        draft=draft,
    )
    expected = Template(CELLS_LOOP).render(Context({"row": row, "round": rounds[2]}))
    assert rendering.profile_cells([row], current=rounds[2]) == [expected]
    assert ("own-draft" in expected) is draft
