"""Build fixtures/municipalities.json from the reference table in ../shared/data.

Run once when the reference table changes; the portal itself never reads shared/.
Primary keys are stable: a KKR's follows its place in KKR_ORDER, a municipality's is its
official code as a number.
"""

import csv
import json
import sys
from pathlib import Path

from django.utils.text import slugify

KKR_ORDER = [
    "KKR Hovedstaden",
    "KKR Sjælland",
    "KKR Syddanmark",
    "KKR Midtjylland",
    "KKR Nordjylland",
]


DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def build(csv_path: Path) -> list[dict]:
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    regions = {row["kkr"]: row["region"] for row in rows}
    objects = [
        {
            "model": "municipalities.kkr",
            "pk": index,
            "fields": {
                "name": name,
                "slug": slugify(name.removeprefix("KKR ").translate(DANISH_LETTERS)),
                "region": regions[name],
                "created_at": "2026-01-01T00:00:00Z",
                "updated_at": "2026-01-01T00:00:00Z",
            },
        }
        for index, name in enumerate(KKR_ORDER, start=1)
    ]
    for row in sorted(rows, key=lambda r: r["code"]):
        objects.append(
            {
                "model": "municipalities.municipality",
                "pk": int(row["code"]),
                "fields": {
                    "code": row["code"],
                    "name": row["name"],
                    "official_name": row["official_name"],
                    "kkr": KKR_ORDER.index(row["kkr"]) + 1,
                    "created_at": "2026-01-01T00:00:00Z",
                    "updated_at": "2026-01-01T00:00:00Z",
                },
            }
        )
    return objects


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/municipalities.csv")
    target = Path(__file__).resolve().parent.parent / "fixtures" / "municipalities.json"
    target.write_text(json.dumps(build(source), ensure_ascii=False, indent=1) + "\n")
    print(f"Wrote {target}")
