"""A synthetic atlas of N places in four languages, with realistic bodies in each script, for benchmarks.

    python benchmarks/synthetic_atlas.py DEST --places 2000

Places are valid records (they pass `invoke check`); a few residency programmes and one editorial page come
with them. Texts are drawn from per-language vocabularies, so each script's tokenizer, shaping and
segmentation get realistic work (French accents, Arabic, unspaced Chinese).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
from atlas_records.country_outlines import CountryOutlines  # noqa: E402  (after the path above)
from atlas_records.schemas import enum_of  # noqa: E402

# The check refuses a place far outside its country: each synthetic place is drawn inside it.
OUTLINES = CountryOutlines(Path(__file__).resolve().parents[1] / "node_modules/world-atlas/countries-50m.json")

# The controlled vocabularies come from the schema, so synthetic records stay valid when it changes.
BUILDINGS = enum_of("centre.schema.json", "heritage", "building")
DISCIPLINES = enum_of("centre.schema.json", "disciplines", "items")
KINDS = ["ccr", "ccr", "ccr", "associate", "international-member", "rehabilitation-project", "former-member"]
COUNTRIES = [
    ("FR", 46.5, 2.5),
    ("BE", 50.6, 4.6),
    ("LU", 49.7, 6.1),
    ("TN", 35.8, 10.2),
    ("CN", 31.2, 121.4),
    ("CA", 46.8, -71.2),
    ("BJ", 6.4, 2.4),
    ("AU", -33.8, 151.2),
]
WORDS = {
    "fr": [
        "abbaye",
        "cloître",
        "résidence",
        "artistes",
        "musique",
        "écriture",
        "jardin",
        "patrimoine",
        "monument",
        "création",
        "public",
        "chantier",
        "restauration",
        "siècle",
        "moines",
        "village",
        "rencontre",
        "spectacle",
        "atelier",
        "paysage",
        "archives",
        "mémoire",
        "danse",
        "théâtre",
        "lecture",
        "concert",
        "exposition",
        "territoire",
        "accueil",
        "saison",
        "programme",
        "chercheurs",
    ],
    "en": [
        "abbey",
        "cloister",
        "residency",
        "artists",
        "music",
        "writing",
        "garden",
        "heritage",
        "monument",
        "creation",
        "audience",
        "works",
        "restoration",
        "century",
        "monks",
        "village",
        "meeting",
        "performance",
        "workshop",
        "landscape",
        "archives",
        "memory",
        "dance",
        "theatre",
        "reading",
        "concert",
        "exhibition",
        "region",
        "welcome",
        "season",
        "programme",
        "researchers",
    ],
    "ar": [
        "دير",
        "رواق",
        "إقامة",
        "فنانين",
        "موسيقى",
        "كتابة",
        "حديقة",
        "تراث",
        "معلم",
        "إبداع",
        "جمهور",
        "ترميم",
        "قرن",
        "رهبان",
        "قرية",
        "لقاء",
        "عرض",
        "ورشة",
        "منظر",
        "أرشيف",
        "ذاكرة",
        "رقص",
        "مسرح",
        "قراءة",
        "حفل",
        "معرض",
        "منطقة",
        "استقبال",
        "موسم",
        "برنامج",
        "باحثين",
    ],
    "zh": [
        "修道院",
        "回廊",
        "驻留",
        "艺术家",
        "音乐",
        "写作",
        "花园",
        "遗产",
        "古迹",
        "创作",
        "观众",
        "修复",
        "世纪",
        "修士",
        "村庄",
        "相遇",
        "演出",
        "工作坊",
        "景观",
        "档案",
        "记忆",
        "舞蹈",
        "戏剧",
        "朗读",
        "音乐会",
        "展览",
        "地区",
        "接待",
        "季节",
        "项目",
        "研究人员",
    ],
}
NAMES = {
    "fr": "Abbaye synthétique n° {n}",
    "en": "Synthetic Abbey No. {n}",
    "ar": "الدير الاصطناعي رقم {n}",
    "zh": "合成修道院第{n}号",
}
SUMMARIES = {
    "fr": "Lieu synthétique de {town}, pour mesurer la construction.",
    "en": "A synthetic place in {town}, for measuring the build.",
    "ar": "مكان اصطناعي في {town} لقياس البناء.",
    "zh": "位于{town}的合成地点，用于衡量构建。",
}


def sentence(rng: random.Random, lang: str) -> str:
    words = rng.choices(WORDS[lang], k=rng.randint(8, 18))
    if lang == "zh":
        return "".join(words) + "。"
    end = "." if lang != "ar" else "."
    text = " ".join(words)
    return text[0].upper() + text[1:] + end


def body(rng: random.Random, lang: str, paragraphs: int = 4) -> str:
    return "\n\n".join(" ".join(sentence(rng, lang) for _ in range(rng.randint(3, 6))) for _ in range(paragraphs))


def point_in(country: str, lat: float, lon: float, rng: random.Random) -> tuple[float, float]:
    """A point within a degree of (lat, lon) and inside the country."""
    while True:
        point = (round(lat + rng.uniform(-1, 1), 4), round(lon + rng.uniform(-1, 1), 4))
        if OUTLINES.distance_km(*point, country) == 0:
            return point


def write_place(root: Path, n: int, rng: random.Random) -> None:
    slug = f"lieu-synthetique-{n:05d}"
    folder = root / "centres" / slug
    folder.mkdir(parents=True)
    kind = KINDS[n % len(KINDS)]
    country, lat, lon = COUNTRIES[n % len(COUNTRIES)]
    lat, lon = point_in(country, lat, lon, rng)
    town = f"Ville-{n}"
    lines = [
        "# yaml-language-server: $schema=../../plugins/atlas_records/schemas/centre.schema.json",
        f"kind: {kind}",
        f"country: {country}",
        f"town: {town}",
        "coordinates:",
        f"  lat: {lat:.4f}",
        f"  lon: {lon:.4f}",
        "  precision: town",
        "  basis: memory",
        "heritage:",
        f"  building: {rng.choice(BUILDINGS)}",
        "  period:",
        f"    century: {rng.randint(9, 20)}",
        f"disciplines: [{', '.join(rng.sample(DISCIPLINES, 3))}]",
        "membership:",
        f"  since: {rng.randint(1972, 2024)}",
    ]
    if kind == "former-member":
        lines.append("  until: 2025")
    if n % 5 == 0:
        lines.append(f"programmes: [programme-synthetique-{n % 3}]")
    lines += ["sources:", f"  - https://example.org/lieux/{slug}/", "last_verified: 2024-05-01", ""]
    (folder / "index.yaml").write_text("\n".join(lines), encoding="utf-8")
    for lang in WORDS:
        front = f'---\nname: "{NAMES[lang].format(n=n)}"\nsummary: "{SUMMARIES[lang].format(town=town)}"\n---\n'
        (folder / f"index.{lang}.md").write_text(front + body(rng, lang) + "\n", encoding="utf-8")


def write_programmes(root: Path, rng: random.Random) -> None:
    for n in range(3):
        folder = root / "programmes" / f"programme-synthetique-{n}"
        folder.mkdir(parents=True)
        (folder / "index.yaml").write_text(
            f"since: {2000 + n}\nsources:\n  - https://example.org/programmes/{n}/\nlast_verified: 2024-05-01\n",
            encoding="utf-8",
        )
        for lang in WORDS:
            front = f'---\nname: "{NAMES[lang].format(n=n)} P"\nsummary: "{SUMMARIES[lang].format(town="P")}"\n---\n'
            (folder / f"index.{lang}.md").write_text(front + body(rng, lang, 2) + "\n", encoding="utf-8")


def generate(destination: Path, places: int, seed: int = 1972) -> Path:
    """Write a synthetic atlas root (centres/, programmes/, content/) into destination; return it."""
    destination = Path(destination)
    if destination.exists():
        shutil.rmtree(destination)
    (destination / "content" / "pages").mkdir(parents=True)
    rng = random.Random(seed)
    for n in range(places):
        write_place(destination, n, rng)
    write_programmes(destination, rng)
    return destination


def markdown_pages(destination: Path, places: int, seed: int = 1972, front: str = "pelican") -> Path:
    """The same texts as plain Markdown pages (4 per place), for the Pelican and Hugo baselines."""
    destination = Path(destination)
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    rng = random.Random(seed)
    for n in range(places):
        for lang in WORDS:
            title = NAMES[lang].format(n=n)
            if front == "pelican":
                head = f"Title: {title}\nDate: 2024-05-01\nSlug: lieu-{n:05d}-{lang}\nLang: {lang}\n\n"
            else:
                head = f'---\ntitle: "{title}"\ndate: 2024-05-01\nslug: lieu-{n:05d}-{lang}\n---\n'
            (destination / f"lieu-{n:05d}-{lang}.md").write_text(head + body(rng, lang) + "\n", encoding="utf-8")
    return destination


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("destination", type=Path)
    parser.add_argument("--places", type=int, default=2000)
    args = parser.parse_args()
    print(generate(args.destination, args.places))
