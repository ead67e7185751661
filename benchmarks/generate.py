"""Generate realistic office files for benchmarks, seeded and deterministic.

An office looks like the example in `config/immigration-office.yaml`, scaled to
any size: team leads who rarely sit at the counter, full-timers (39 h TVöD or
40 h Beamte), a third part-timers with working-day patterns, trainees with
mentors and theory days (weekly school days or date-range blocks), skills and
languages, absences (leave runs, sick days, courses) and demand scaled to the
staff. `--tight` makes a hard week: most people away part of it and demand
1.6 times the usual.

    python benchmarks/generate.py --people 60 --weeks 1 --seed 1 [--tight] --out FILE

The same arguments always give byte-identical YAML (one `random.Random(seed)`
drives every choice, and nothing depends on the clock or the machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_START = dt.date(2026, 11, 30)
TIGHT_DEMAND_FACTOR = 1.6

BLOCKS: dict[str, tuple[str, str]] = {
    "am": ("08:00", "12:00"),
    "pm": ("12:00", "15:00"),
    "late": ("15:00", "18:00"),
}
DAYS: dict[str, list[str]] = {
    "mon": ["am", "pm"],
    "tue": ["am", "pm", "late"],
    "wed": ["am", "pm"],
    "thu": ["am", "pm"],
    "fri": ["am"],
}
SKILLS: list[str] = [
    "residence",
    "employment",
    "humanitarian",
    "eu",
    "visa",
    "naturalisation",
    "en",
    "ru",
    "uk",
    "ar",
]
# Share of fully trained staff holding each skill (DOMAIN.md section 5, 24 people).
SKILL_SHARES: dict[str, float] = {
    "residence": 20 / 24,
    "employment": 8 / 24,
    "humanitarian": 8 / 24,
    "eu": 6 / 24,
    "visa": 6 / 24,
    "naturalisation": 0.04,
    "en": 12 / 24,
    "ru": 5 / 24,
    "uk": 3 / 24,
    "ar": 2 / 24,
}
# Demand per fully trained person, from the example office (24 trained staff):
# counter seats 6/5/4 and back-office minimum 8/7/1 per block.
SEATS_PER_PERSON: dict[tuple[str, str], float] = {
    ("mon", "am"): 6 / 24,
    ("mon", "pm"): 5 / 24,
    ("tue", "am"): 6 / 24,
    ("tue", "pm"): 5 / 24,
    ("tue", "late"): 4 / 24,
    ("wed", "am"): 5 / 24,
    ("wed", "pm"): 4 / 24,
    ("thu", "am"): 6 / 24,
    ("thu", "pm"): 5 / 24,
    ("fri", "am"): 5 / 24,
}
BACK_PER_PERSON: dict[tuple[str, str], float] = {
    ("mon", "am"): 8 / 24,
    ("mon", "pm"): 7 / 24,
    ("tue", "am"): 8 / 24,
    ("tue", "pm"): 7 / 24,
    ("tue", "late"): 1 / 24,
    ("wed", "am"): 8 / 24,
    ("wed", "pm"): 7 / 24,
    ("thu", "am"): 8 / 24,
    ("thu", "pm"): 7 / 24,
    ("fri", "am"): 6 / 24,
}
# Part-time contracts (hours, possible day patterns); DOMAIN.md section 5.
PART_TIME: list[tuple[float, list[list[str]]]] = [
    (32, [["mon", "tue", "wed", "thu"]]),
    (30, [["mon", "tue", "wed", "thu", "fri"], ["mon", "tue", "wed", "thu"]]),
    (29.25, [["mon", "tue", "wed", "thu", "fri"], ["mon", "tue", "wed", "thu"]]),
    (25, [["mon", "tue", "wed", "thu"], ["mon", "tue", "thu", "fri"]]),
    (20, [["mon", "tue", "thu"], ["tue", "wed", "thu"], ["mon", "wed", "thu"]]),
    (19.5, [["mon", "tue", "wed", "thu", "fri"], ["mon", "tue", "wed"]]),
]

FIRST_NAMES: list[str] = [
    "Anna", "Thomas", "Katarzyna", "Olena", "Rami", "Stefan", "Julia", "Swetlana",
    "Martin", "Sandra", "Marko", "Christian", "Laura", "Jan", "Ayşe", "Birgit",
    "Thi Lan", "Heike", "Lina", "Petra", "Sabine", "Monika", "Leon", "Elif",
    "Sophie", "Daniel", "Emre", "Katrin", "Andreas", "Nadine", "Tobias", "Mariam",
    "Dmytro", "Fatma", "Jens", "Claudia", "Ahmad", "Ines", "Paul", "Jana",
    "Mehmet", "Ewa", "Sven", "Yasmin", "Uwe", "Tanja", "Omar", "Franziska",
    "Igor", "Lea", "Kerstin", "Hassan", "Maximilian", "Natalia", "Silke", "Can",
    "Anja", "Bogdan", "Melanie", "Karim",
]  # fmt: skip
LAST_NAMES: list[str] = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
    "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
    "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Schulze",
    "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs",
    "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Friedrich",
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Nowak", "Kowalski", "Wiśniewska",  # noqa: RUF001
    "Petrović", "Jovanović", "Bondarenko", "Kovalenko", "Iwanowa", "Petrow", "Haddad",
    "Al-Masri", "Khalil", "Nguyen", "Tran", "Okafor", "Mensah", "Rossi", "Popescu",
    "Horváth", "Novák", "Ibrahim", "Hussein", "Rahimi", "Karimi", "Öztürk", "Arslan",
]  # fmt: skip


@dataclass
class Member:
    """One generated person before it is written out."""

    id: str
    name: str
    hours: float
    skills: list[str]
    days: list[str] | None = None
    absent: set[dt.date] = field(default_factory=set)
    front: bool = True
    max_front_blocks: int | None = None
    trainee: bool = False
    mentor: str | None = None
    school: list[Any] = field(default_factory=list)
    min_front_blocks: int | None = None
    lead: bool = False


def ascii_id(text: str) -> str:
    """A lower-case id from a name: umlauts spelled out, accents dropped, only a-z, 0-9 and -."""
    text = text.lower()  # \u0131 is the Turkish dotless i, which NFKD keeps
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("\u0131", "i")):
        text = text.replace(umlaut, spelled)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = "".join(char if char.isalnum() else "-" for char in text).strip("-")
    return cleaned or "person"


def unique_id(first: str, last: str, taken: set[str]) -> str:
    """`mueller`, then `mueller-a` (first initial), then `mueller-a2`, ... until unused."""
    base = ascii_id(last)
    initial = ascii_id(first)[0]
    candidate, number = base, 1
    while candidate in taken:
        candidate = f"{base}-{initial}" if number == 1 else f"{base}-{initial}{number}"
        number += 1
    taken.add(candidate)
    return candidate


def round_half_up(value: float) -> int:
    """Round .5 up (Python's round() rounds to even, which reads oddly in a seats table)."""
    return math.floor(value + 0.5)


def period_dates(start: dt.date, weeks: int) -> list[dt.date]:
    """Every date of the period."""
    return [start + dt.timedelta(days=offset) for offset in range(7 * weeks)]


def opening_dates(start: dt.date, weeks: int) -> list[dt.date]:
    """The opening weekdays of the period (holidays not removed: the office file does that)."""
    return [date for date in period_dates(start, weeks) if WEEKDAYS[date.weekday()] in DAYS]


def make_staff(rng: random.Random, people: int) -> list[Member]:
    """Leads, full-timers, part-timers and trainees with skills, names and mentors."""
    trainees = round_half_up(people * 0.07) if people >= 10 else 0
    trained = people - trainees
    leads = max(1, round_half_up(people / 25))
    part_timers = round_half_up((trained - leads) / 3)
    taken: set[str] = set()
    staff: list[Member] = []
    for index in range(trained):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        member = Member(
            id=unique_id(first, last, taken),
            name=f"{first} {last}",
            hours=rng.choice([39, 39, 39, 40]),
            skills=[skill for skill in SKILLS if rng.random() < SKILL_SHARES[skill]],
        )
        if index < leads:
            member.lead = True
            member.hours = 40
            member.max_front_blocks = 1
        elif index < leads + part_timers:
            hours, patterns = rng.choice(PART_TIME)
            member.hours = hours
            member.days = list(rng.choice(patterns))
        elif rng.random() < 0.04:
            member.front = False  # back office only, e.g. for health reasons
        staff.append(member)
    ensure_skill_holders(rng, staff)

    mentors = [m for m in staff if not m.lead and m.days is None and m.front]
    rng.shuffle(mentors)
    for index in range(min(trainees, len(mentors))):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        apprentice = index % 2 == 0
        trainee = Member(
            id=unique_id(first, last, taken),
            name=f"{first} {last}",
            hours=39 if apprentice else 40,
            skills=[skill for skill in ("residence", "en") if rng.random() < 0.5],
            trainee=True,
            mentor=mentors[index].id,
            min_front_blocks=rng.choice([2, 3, 3]),
        )
        if apprentice:
            trainee.school = [rng.choice(["tue", "wed", "thu"])]  # vocational school day
        staff.append(trainee)
    return staff


def ensure_skill_holders(rng: random.Random, staff: list[Member]) -> None:
    """Give rare but needed skills (ar, uk, humanitarian, employment) to enough people."""
    trained = [member for member in staff if member.front]
    wanted = {
        "residence": max(3, round_half_up(len(trained) * 0.75)),
        "en": max(2, round_half_up(len(trained) * 0.4)),
        "employment": max(3, round_half_up(len(trained) * 0.25)),
        "humanitarian": max(2, round_half_up(len(trained) * 0.25)),
        "ar": max(2, round_half_up(len(trained) * 0.07)),
        "uk": max(3, round_half_up(len(trained) * 0.1)),
    }
    for skill, count in wanted.items():
        holders = [member for member in trained if skill in member.skills]
        others = [member for member in trained if skill not in member.skills]
        rng.shuffle(others)
        for member in others[: max(0, count - len(holders))]:
            member.skills = [name for name in SKILLS if name in member.skills or name == skill]


def add_absences(
    rng: random.Random, staff: list[Member], start: dt.date, weeks: int, tight: bool
) -> None:
    """Leave runs, sick days and courses; in tight mode most people are away part of each week."""
    workdays = opening_dates(start, weeks)
    for member in staff:
        if member.trainee and rng.random() < 0.5:
            continue  # trainees take leave in their lecture-free time, mostly not here
        for week in range(weeks):
            week_days = workdays[5 * week : 5 * week + 5]
            if rng.random() < 0.10:  # annual leave: 2 to 10 working days
                first = workdays.index(rng.choice(week_days))
                member.absent.update(workdays[first : first + rng.randint(2, 10)])
            if rng.random() < 0.12:  # sick: 1 to 3 days
                first = rng.randrange(5)
                member.absent.update(week_days[first : first + rng.randint(1, 3)])
            if rng.random() < 0.04:  # a one-day course
                member.absent.add(rng.choice(week_days))
            if tight and rng.random() < 0.8:  # flu wave, school holidays, courses
                first = rng.randrange(5)
                member.absent.update(week_days[first : first + rng.randint(1, 3)])
    for member in staff:
        if member.trainee and not member.school and rng.random() < 0.6:
            # an Anwärter's theory block at the Hochschule: one week, may start mid-week
            begin = rng.choice(workdays)
            member.school = [{"from": begin, "to": begin + dt.timedelta(days=6)}]


def compress(days: set[dt.date]) -> list[Any]:
    """Absent days as single dates and {from, to} runs; a weekend inside a run joins it."""
    filled = set(days)
    for day in days:
        if day.weekday() == 4 and day + dt.timedelta(days=3) in days:
            filled.update({day + dt.timedelta(days=1), day + dt.timedelta(days=2)})
    entries: list[Any] = []
    for day in sorted(filled):
        if entries and isinstance(entries[-1], dict) and entries[-1]["to"] + dt.timedelta(1) == day:
            entries[-1]["to"] = day
        elif entries and isinstance(entries[-1], dt.date) and entries[-1] + dt.timedelta(1) == day:
            entries[-1] = {"from": entries[-1], "to": day}
        else:
            entries.append(day)
    return entries


def scaled_needs(count: int, share: float, minimum: int = 1) -> int:
    """A skill need of about `share` x `count`, at least `minimum`, never more than `count`."""
    return min(count, max(minimum, round_half_up(count * share)))


def make_demand(staff: list[Member], factor: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """Counter seats and back-office minimums per block, scaled to the trained staff."""
    trained = sum(1 for member in staff if not member.trainee)
    front_overrides: list[dict[str, Any]] = []
    back_overrides: list[dict[str, Any]] = []
    for (day, block), per_person in SEATS_PER_PERSON.items():
        seats = max(1, round_half_up(trained * per_person * factor))
        needs = {
            "residence": scaled_needs(seats, 0.5),
            "en": scaled_needs(seats, 0.3),
        }
        per_six = max(1, round_half_up(seats / 6))
        if block == "am":
            needs["employment"] = min(seats, per_six)
        if day in {"mon", "thu"} and block == "am":
            needs["ar"] = min(seats, per_six)
            needs["humanitarian"] = min(seats, per_six)
        if day == "tue" and block in {"am", "late"}:
            needs["uk"] = min(seats, per_six)
        front_overrides.append({"days": [day], "blocks": [block], "seats": seats, "needs": needs})
        minimum = round_half_up(trained * BACK_PER_PERSON[(day, block)] * factor)
        back_needs: dict[str, int] = {}
        if block != "late" and minimum > 0:
            back_needs = {
                "employment": scaled_needs(minimum, 0.25),
                "humanitarian": scaled_needs(minimum, 0.125),
            }
        back_overrides.append(
            {"days": [day], "blocks": [block], "min": minimum, "needs": back_needs}
        )
    front = {"seats": 0, "needs": {}, "overrides": front_overrides}
    back = {"min": 0, "needs": {}, "overrides": back_overrides}
    return front, back


def member_entry(member: Member) -> dict[str, Any]:
    """The office-file form of one person, leaving out defaults."""
    entry: dict[str, Any] = {"id": member.id, "name": member.name, "hours": member.hours}
    if member.skills:
        entry["skills"] = member.skills
    if member.days is not None:
        entry["days"] = member.days
    if member.absent:
        entry["absent"] = compress(member.absent)
    if not member.front:
        entry["front"] = False
    if member.max_front_blocks is not None:
        entry["max_front_blocks"] = member.max_front_blocks
    if member.trainee:
        entry["trainee"] = True
        entry["mentor"] = member.mentor
        if member.school:
            entry["school"] = member.school
        entry["min_front_blocks"] = member.min_front_blocks
    return entry


def closed_days(start: dt.date, weeks: int) -> list[dt.date]:
    """24 and 31 December of every year the period touches."""
    years = sorted({date.year for date in period_dates(start, weeks)})
    return [dt.date(year, 12, day) for year in years for day in (24, 31)]


def generate_office(
    people: int, weeks: int, seed: int, tight: bool = False, start: dt.date = DEFAULT_START
) -> dict[str, Any]:
    """A whole office file as plain data, ready for YAML."""
    if people < 2:
        raise ValueError("an office needs at least 2 people")
    if not 1 <= weeks <= 26:
        raise ValueError("weeks must be between 1 and 26")
    if start.weekday() != 0:
        raise ValueError(f"{start} is not a Monday")
    rng = random.Random(seed)
    staff = make_staff(rng, people)
    add_absences(rng, staff, start, weeks, tight)
    front, back = make_demand(staff, TIGHT_DEMAND_FACTOR if tight else 1.0)
    mode = "tight " if tight else ""
    week_word = "week" if weeks == 1 else "weeks"
    return {
        "office": {
            "name": f"Generated {mode}office ({people} people, {weeks} {week_word}, seed {seed})",
            "timezone": "Europe/Berlin",
            "holidays": "DE-ST",
            "closed": closed_days(start, weeks),
        },
        "period": {"start": start, "weeks": weeks},
        "blocks": {name: {"start": begin, "end": end} for name, (begin, end) in BLOCKS.items()},
        "days": DAYS,
        "skills": SKILLS,
        "front": front,
        "back": back,
        "staff": [member_entry(member) for member in staff],
        "rules": {"max_front_blocks_per_day": 1, "max_hours_per_day": 9, "hours_tolerance": 0.1},
    }


class _Dumper(yaml.SafeDumper):
    """SafeDumper that never writes anchors and aliases (shared lists are written out)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def to_yaml(office: dict[str, Any], command: str) -> str:
    """The office as YAML text, headed by the command that made it."""
    body = yaml.dump(
        office,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
    return f"# Generated by: {command}\n# Benchmark office; not a real team.\n{body}"


def generate_yaml(
    people: int, weeks: int, seed: int, tight: bool = False, start: dt.date = DEFAULT_START
) -> str:
    """The YAML text of a generated office (deterministic for its arguments)."""
    command = f"python benchmarks/generate.py --people {people} --weeks {weeks} --seed {seed}"
    if tight:
        command += " --tight"
    if start != DEFAULT_START:
        command += f" --start {start.isoformat()}"
    return to_yaml(generate_office(people, weeks, seed, tight, start), command)


def main(argv: list[str] | None = None) -> int:
    """Command line: write one generated office file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=60, help="head count incl. trainees")
    parser.add_argument("--weeks", type=int, default=1, help="weeks to plan (1-26)")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument(
        "--tight", action="store_true", help="most people away part of the week, demand x1.6"
    )
    parser.add_argument(
        "--start",
        type=dt.date.fromisoformat,
        default=DEFAULT_START,
        help="first Monday (default 2026-11-30)",
    )
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    try:
        text = generate_yaml(args.people, args.weeks, args.seed, args.tight, args.start)
    except ValueError as error:
        parser.error(str(error))
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
