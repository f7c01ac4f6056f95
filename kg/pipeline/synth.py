"""A synthetic corpus shaped like the real one, for benchmarks and scale tests.

Articles and facts files are generated together from one seed: every evidence quote is a sentence of the
generated text, every region with a code is a real ISO 3166-2 subdivision from pycountry (so the loader's
checks pass unchanged), and the class and relation mix follows the shipped China Times article.
Names of companies, people and zones are invented from syllables; nothing here is a real fact.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
import yaml

from kg import files as fsutil
from kg.errors import UsageError, first_names
from kg.files import write_text
from kg.read import regions

SYLLABLES = [
    "qing",
    "lan",
    "hai",
    "nor",
    "wei",
    "tian",
    "ming",
    "shu",
    "yao",
    "rui",
    "jin",
    "xiu",
    "bao",
    "an",
    "lin",
    "zhen",
    "hua",
    "dong",
    "kai",
    "yun",
    "feng",
    "he",
    "long",
    "ping",
]
SURNAMES = ["Li", "Wang", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Ma", "Zhu"]
ORG_HEADS = {
    "Company": ["Technology Co.", "Digital Group", "Chain Technology", "Data Holdings"],
    "ResearchInstitute": ["Blockchain Research Institute", "Digital Economy Institute", "Ledger Laboratory"],
    "College": ["Innovation College", "Polytechnic College"],
    "IndustryAlliance": ["Blockchain Industry Alliance", "Data Industry Alliance"],
}
POLICY_HEADS = {
    "ActionPlan": "Action Plan for the Digital Economy",
    "Guidelines": "Guidelines on Blockchain Infrastructure",
    "Measures": "Measures to Support the Blockchain Industry",
    "ProjectList": "Key Blockchain Projects",
    "Opinions": "Opinions on Fintech Development",
}
SUFFIXES = {"Sheng", "Shi", "Zizhiqu", "Huizu", "Zhuangzu", "Uygur"}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass
class _Article:
    slug: str
    year: int
    sentences: list[str] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)
    keys: set = field(default_factory=set)


class _Corpus:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.used_names: set[str] = set()
        self.declared: set[str] = set()
        subdivisions = [
            s for s in pycountry.subdivisions.get(country_code="CN") if s.type in regions.SUBDIVISION_CLASSES
        ]
        self.provinces = []
        for sub in sorted(subdivisions, key=lambda s: s.code):
            label = " ".join(w for w in sub.name.split() if w not in SUFFIXES)
            cls = regions.SUBDIVISION_CLASSES[sub.type]
            self.provinces.append(
                {"id": label.lower().replace(" ", "-"), "class": cls, "label": label, "iso3166": sub.code}
            )
        self.pool: dict[str, list[dict]] = {"Person": [], "Org": [], "Gov": [], "Zone": [], "City": []}
        self.companies: list[dict] = []  # the Org pool's companies: the parents of the provincial arms
        self.arms: dict[tuple[str, str], dict] = {}  # (parent company, province) -> its arm there

    def name(self, parts: int = 2) -> str:
        """A fresh invented word. Two syllables give only 576 words: after a few collisions in a row the word
        grows by a syllable, so a corpus of any size still gets unique names (and the same ones per seed)."""
        tries = 0
        while True:
            word = "".join(self.rng.choice(SYLLABLES) for _ in range(parts)).capitalize()
            if word not in self.used_names:
                self.used_names.add(word)
                return word
            tries += 1
            if tries % 8 == 0:
                parts += 1

    def _new(self, kind: str) -> dict:
        rng = self.rng
        if kind == "Person":
            given = self.name(2)
            label = f"{rng.choice(SURNAMES)} {given}"
            ent = {"id": f"p-{given.lower()}", "class": "Person", "label": label}
            if rng.random() < 0.3:
                ent["aliases"] = [label.replace(" ", "")]
        elif kind == "Org":
            cls = rng.choice(list(ORG_HEADS))
            stem = self.name(2)
            ent = {"id": f"o-{stem.lower()}", "class": cls, "label": f"{stem} {rng.choice(ORG_HEADS[cls])}"}
            if rng.random() < 0.3:
                ent["aliases"] = [stem]
            if cls == "Company":
                ent["_stem"] = stem
                self.companies.append(ent)
        elif kind == "Gov":
            province = rng.choice(self.provinces)
            stem = self.name(1)
            ent = {
                "id": f"g-{stem.lower()}-{province['id']}",
                "class": "GovernmentBody",
                "label": f"{province['label']} Provincial {stem} Commission",
                "_region": province,
            }
        elif kind == "Zone":
            stem = self.name(2)
            ent = {"id": f"z-{stem.lower()}", "class": "FreeTradeZone", "label": f"{stem} Free Trade Zone"}
        else:
            stem = self.name(2)
            ent = {"id": f"c-{stem.lower()}", "class": "City", "label": f"{stem} City"}
        self.pool[kind].append(ent)
        return ent

    def pick(self, kind: str, fresh: float = 0.35) -> dict:
        if not self.pool[kind] or self.rng.random() < fresh:
            return self._new(kind)
        return self.rng.choice(self.pool[kind])

    def use(self, article: _Article, ent: dict) -> str:
        if ent["id"] not in self.declared:
            self.declared.add(ent["id"])
            article.entities.append({k: v for k, v in ent.items() if not k.startswith("_")})
        return ent["id"]

    def date(self, article: _Article) -> tuple[str, str]:
        month = self.rng.randrange(12)
        day = self.rng.randrange(1, 29)
        return f"{article.year}-{month + 1:02d}-{day:02d}", f"On {MONTHS[month]} {day}"

    def add(
        self,
        article: _Article,
        sentence: str,
        subject: dict,
        predicate: str,
        obj: dict | None = None,
        value: str | None = None,
        say: bool = True,
        **qualifiers: str,
    ) -> None:
        key = (subject["id"], predicate, obj["id"] if obj else value, tuple(sorted(qualifiers.items())))
        if key in article.keys:
            return  # the loader refuses a fact stated twice in one article
        article.keys.add(key)
        if say:
            article.sentences.append(sentence)
        st = {"subject": self.use(article, subject), "predicate": predicate}
        if obj is not None:
            st["object"] = self.use(article, obj)
        else:
            st["value"] = value
        st.update({k: v for k, v in qualifiers.items() if v})
        st["evidence"] = sentence
        article.statements.append(st)

    def paragraph(self, article: _Article) -> int:
        """One news paragraph: a few related statements. Returns how many it made."""
        rng = self.rng
        kind = rng.random()
        if kind < 0.27:  # a policy issued by a provincial body
            gov = self.pick("Gov")
            province = gov["_region"]
            cls = rng.choice(list(POLICY_HEADS))
            policy = {
                "id": f"pol-{self.name(2).lower()}-{article.year}",
                "class": cls,
                "label": f"{article.year} {province['label']} {POLICY_HEADS[cls]}",
            }
            iso, spoken = self.date(article)
            count = rng.randrange(5, 400)
            self.add(
                article,
                f"{spoken}, the {gov['label']} released the “{policy['label']}”.",
                policy,
                "issuedBy",
                gov,
                date=iso,
            )
            self.add(
                article,
                f"The “{policy['label']}” was issued on {spoken[3:]}, {article.year}.",
                policy,
                "dateIssued",
                value=iso,
            )
            self.add(article, f"The “{policy['label']}” applies to {province['label']}.", policy, "appliesTo", province)
            self.add(
                article, f"The {gov['label']} is responsible for {province['label']}.", gov, "jurisdiction", province
            )
            self.add(
                article, f"The “{policy['label']}” lists {count} projects.", policy, "projectCount", value=str(count)
            )
            return 5
        if kind < 0.49:  # an institute co-founded by two organisations, or founded by one
            inst = self._new("Org")
            founders = [self.pick("Org"), self.pick("Org")]
            if founders[0]["id"] == founders[1]["id"] or inst["id"] in (founders[0]["id"], founders[1]["id"]):
                return 0
            iso, spoken = self.date(article)
            zone = self.pick("Zone")
            if rng.random() < 0.3:
                sentence = f"{spoken}, the {inst['label']}, established by {founders[0]['label']}, opened in the {zone['label']}."
                self.add(article, sentence, inst, "foundedBy", founders[0], date=iso)
            else:
                sentence = (
                    f"{spoken}, the {inst['label']}, which was jointly established by {founders[0]['label']} "
                    f"and {founders[1]['label']}, opened in the {zone['label']}."
                )
                article.sentences.append(sentence)
                for founder in founders:
                    self.add(article, sentence, inst, "coFoundedBy", founder, say=False, date=iso)
            self.add(article, f"The {inst['label']} is located in the {zone['label']}.", inst, "locatedIn", zone)
            self.add(
                article,
                f"The {zone['label']} lies in {zone.setdefault('_province', rng.choice(self.provinces))['label']}.",
                zone,
                "partOf",
                zone["_province"],
            )
            return 4
        if kind < 0.75:  # a person with a post, quoted
            person = self.pick("Person")
            org = self.pick("Org")
            role = rng.choice(["chief executive", "deputy director", "head of research", "founder", "senior analyst"])
            self.add(
                article,
                f"“Blockchain needs clear rules,” said {person['label']}, {role} of {org['label']}.",
                person,
                "holdsPostIn",
                org,
                role=role,
            )
            self.add(
                article,
                f"{person['label']} spoke to our reporter about {org['label']}.",
                person,
                "quotedIn",
                {"id": article.slug},
            )
            return 2
        if kind < 0.87:  # a company's arm in a province (Binance China), which founds an institute
            return self.arm(article)
        city = self.pick("City")  # a company headquartered in a city of a province
        org = self.pick("Org")
        province = city.setdefault("_province", rng.choice(self.provinces))
        self.add(article, f"{org['label']} will be headquartered in {city['label']}.", org, "headquarteredIn", city)
        self.add(article, f"{city['label']} is a city of {province['label']}.", city, "partOf", province)
        return 2

    def arm(self, article: _Article) -> int:
        """A company's business in one province, a sub-organisation of it, and an institute that it or its parent
        founded: the shape of Binance China and the Lingang institute, so the parent-company question has
        answers on all three of its branches."""
        rng = self.rng
        # arms are made here, never in the pool: a parent is never an arm, so the links are one level deep, as
        # in the article, and never form a cycle
        parent = rng.choice(self.companies) if self.companies and rng.random() > 0.2 else self._new_company()
        province = rng.choice(self.provinces)
        arm = self.arms.get((parent["id"], province["id"]))
        if arm is None:
            arm = {
                "id": f"{parent['id']}-{province['id']}",
                "class": "Company",
                "label": f"{parent['_stem']} {province['label']}",
                "_parent": parent,
            }
            self.arms[(parent["id"], province["id"])] = arm
        self.add(
            article,
            f"{arm['label']} is the {province['label']} business of {parent['label']}.",
            arm,
            "subOrganisationOf",
            parent,
        )
        self.add(article, f"{arm['label']} is registered in {province['label']}.", arm, "registeredIn", province)
        inst = self._new("Org")
        founder = arm if rng.random() < 0.6 else parent
        iso, spoken = self.date(article)
        self.add(
            article,
            f"{spoken}, {founder['label']} established the {inst['label']}.",
            inst,
            "foundedBy",
            founder,
            date=iso,
        )
        return 3

    def _new_company(self) -> dict:
        """A fresh Company; the other organisations made on the way stay in the pool for other paragraphs."""
        while True:
            ent = self._new("Org")
            if ent["class"] == "Company":
                return ent


# the files kg synth writes, and nothing else: a folder holding only these is an earlier corpus of its own
_OURS = {"articles": re.compile(r"synth-[0-9]{6,}\.md\Z"), "facts": re.compile(r"synth-[0-9]{6,}\.yaml\Z")}


def generate(out: Path, statements: int, seed: int = 1, per_article: int = 25) -> tuple[int, int]:
    """Write a corpus of about `statements` statements under out/articles and out/facts; returns (articles, statements).

    The corpus replaces `out` wholly: articles of an earlier corpus left beside the new ones would be built with
    them (duplicate ids). So `out` must be missing, empty, or an earlier kg synth corpus (see `earlier_corpus`);
    anything else in it is refused, untouched. The new corpus is written beside `out` and swapped in at once."""
    if statements < 1:
        raise UsageError("--statements must be at least 1")
    out = Path(out)
    _refuse_foreign(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.synth-", dir=out.parent))
        try:
            made = _generate(staging, statements, seed, per_article)
            os.chmod(staging, 0o755)
            if out.exists():
                _refuse_foreign(out)  # again just before the swap: nothing was added meanwhile
            fsutil.exchange(staging, out)  # afterwards `staging` holds the earlier corpus, if there was one
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as err:
        raise fsutil.cannot_write(out, err, "write the corpus here") from err
    return made


def earlier_corpus(out: Path) -> bool:
    """True when `out` is a non-empty directory holding nothing but what kg synth writes (articles/synth-*.md and
    facts/synth-*.yaml), so replacing it loses nothing of anyone's."""
    return out.is_dir() and not out.is_symlink() and any(out.iterdir()) and not _foreign(out)


def _foreign(out: Path) -> list[str]:
    """What in directory `out` kg synth did not write."""
    found: list[str] = []
    for entry in sorted(out.iterdir()):
        pattern = _OURS.get(entry.name)
        if pattern is None or entry.is_symlink() or not entry.is_dir():
            found.append(entry.name)
            continue
        for item in sorted(entry.iterdir()):
            if not pattern.match(item.name) or item.is_symlink() or not item.is_file():
                found.append(f"{entry.name}/{item.name}")
    return found


def _refuse_foreign(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise UsageError(f"--out {out}: is not a directory; pass a new or empty directory for the corpus")
    if not out.exists():
        return
    foreign = _foreign(out)
    if foreign:
        shown = first_names(foreign)
        raise UsageError(
            f"--out {out}: holds {shown}, which kg synth did not write; kg synth replaces the whole folder "
            "(an earlier corpus of its own), so pass a new or empty folder"
        )


def _generate(out: Path, statements: int, seed: int, per_article: int) -> tuple[int, int]:
    corpus = _Corpus(seed)
    made, number = 0, 0
    while made < statements:
        number += 1
        article = _Article(slug=f"synth-{number:06d}", year=corpus.rng.choice([2019, 2020, 2021]))
        corpus.declared.add(article.slug)
        while len(article.statements) < per_article and made + len(article.statements) < statements:
            corpus.paragraph(article)
        made += len(article.statements)
        _write(out, article)
    return number, made


def _write(out: Path, article: _Article) -> None:
    front = {
        "title": f"Synthetic policy news {article.slug}",
        "author": "kg synth",
        "publisher": "kg synth",
        "date": str(article.year),
        "language": "en",
    }
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    write_text(out / "articles" / f"{article.slug}.md", f"---\n{header}---\n" + "\n\n".join(article.sentences) + "\n")
    facts = {"article": article.slug, "entities": article.entities, "statements": article.statements}
    write_text(
        out / "facts" / f"{article.slug}.yaml", yaml.safe_dump(facts, sort_keys=False, allow_unicode=True, width=1000)
    )
