"""A small demo cohort: a few dozen participants of one program across two campuses."""

import csv
import random
from pathlib import Path
from typing import Any

ROSTER_COLUMNS = (
    "external_id",
    "email",
    "display_name",
    "campus",
    "topics",
    "languages",
    "time_zone",
    "availability",
    "meeting_modes",
    "cadence",
    "mentor_capacity",
    "affiliation",
    "year_of_study",
    "experiences",
    "goals",
    "challenges",
    "interests",
)

TOPICS = ("Calculus II", "Programming 101", "Academic writing", "Time management")
GOALS = (
    "pass the final exam",
    "build a study routine",
    "find a research project",
    "improve my grades",
    "make friends in my cohort",
)
CHALLENGES = (
    "exam anxiety",
    "balancing a job and studies",
    "first time living away from home",
    "English as a second language",
    "procrastination",
)
EXPERIENCES = (
    "took Calculus II",
    "transferred from another university",
    "works part-time",
    "first-generation student",
    "completed Programming 101",
)
INTERESTS = ("chess", "hiking", "music", "robotics", "photography", "football")
ZONES = ("Europe/Berlin",) * 6 + ("Europe/London", "America/New_York")
NAMES = (
    "Ada",
    "Ben",
    "Chiara",
    "Dev",
    "Elif",
    "Farah",
    "Goran",
    "Hana",
    "Ivan",
    "Jun",
    "Kemal",
    "Lena",
    "Mateo",
    "Noor",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tomas",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Arjun",
    "Bea",
    "Carlos",
    "Dana",
    "Emil",
    "Fatou",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
)


def demo_cohort(size: int = 36, seed: int = 7, program_id: str = "first-year-stem", run_tag: str = "") -> list[dict[str, Any]]:
    rng = random.Random(seed)
    people = []
    for index in range(size):
        name = NAMES[index % len(NAMES)]
        topic = TOPICS[index % len(TOPICS)]
        kind = ("mentor", "mentee", "mentee", "peer")[(index // len(TOPICS)) % 4]  # every topic gets every role
        zone = rng.choice(ZONES)
        start_hour = rng.choice((16, 17, 18))
        days = rng.sample(("mon", "tue", "wed", "thu", "fri", "sat"), 3)
        people.append(
            {
                "program_id": program_id,
                "program_setting": "academic",
                "campus": "north" if index % 2 == 0 else "south",
                "display_name": f"{name} {chr(65 + index % 26)}.",
                "email": f"{name.lower()}.{index}{run_tag}@students.example.edu",
                "topics": [{"topic": topic, "role": kind}],
                "experiences": rng.sample(EXPERIENCES, 2),
                "goals": rng.sample(GOALS, 2),
                "challenges": rng.sample(CHALLENGES, 2),
                "interests": rng.sample(INTERESTS, 2),
                "languages": ["en"] + (["de"] if zone == "Europe/Berlin" else []),
                "time_zone": zone,
                "weekly_availability": [
                    {"weekday": day, "start": f"{start_hour:02d}:00", "end": f"{start_hour + 3:02d}:00"} for day in days
                ],
                "meeting_modes": ["online", "in_person"] if index % 3 else ["online"],
                "preferred_cadence": rng.choice(("weekly", "weekly", "biweekly", "monthly")),
                "mentor_capacity": rng.randint(1, 3) if kind == "mentor" else 0,
            }
        )
    return people


def write_roster(path: Path, cohort: list[dict[str, Any]], usernames: list[str]) -> None:
    """The cohort as the registrar's term-start export (docs/programs.md's column mapping): one row each."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(ROSTER_COLUMNS)
        for person, username in zip(cohort, usernames, strict=True):
            writer.writerow(
                [
                    f"NB-{username}",
                    person["email"],
                    person["display_name"],
                    person["campus"],
                    "; ".join(f"{t['topic']}:{t['role']}" for t in person["topics"]),
                    "; ".join(person["languages"]),
                    person["time_zone"],
                    "; ".join(f"{s['weekday']} {s['start']}-{s['end']}" for s in person["weekly_availability"]),
                    "; ".join(person["meeting_modes"]),
                    person["preferred_cadence"],
                    person["mentor_capacity"],
                    "student",
                    1,
                    "; ".join(person["experiences"]),
                    "; ".join(person["goals"]),
                    "; ".join(person["challenges"]),
                    "; ".join(person["interests"]),
                ]
            )
