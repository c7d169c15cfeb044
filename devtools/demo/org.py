"""Demo organisation: 4 tiers, 15 teams in a plant-shaped tree, 50 people. Idempotent."""

import random
from datetime import time
from decimal import Decimal

from org.models import Membership, Team, Tier, User

DEMO_PASSWORD = "tierline-demo"

TIERS = [
    # level, name, huddle time, authority limit, aging days, SLA ack h, SLA resolve h
    (1, "Front line", time(7, 15), Decimal("500"), 10, 8, 48),
    (2, "Supervisors", time(8, 0), Decimal("5000"), 14, 24, 96),
    (3, "Managers", time(9, 0), Decimal("50000"), 21, 48, 168),
    (4, "Executive", time(10, 0), Decimal("500000"), 30, 72, 336),
]

# slug, name, tier level, parent slug, description
TEAMS = [
    ("executive", "Executive Leadership Team", 4, None, "Plant director and functional heads."),
    ("plant-management", "Riverside Plant Management", 3, "executive", "Production managers."),
    ("support-management", "Support Services Management", 3, "executive",
     "Maintenance, quality and IT management."),
    ("ci-coe", "CI Centre of Excellence", 3, "executive",
     "Owns standard work and the improvement method."),
    ("assembly-supervisors", "Assembly Supervisors", 2, "plant-management", ""),
    ("packaging-supervisors", "Packaging & Logistics Supervisors", 2, "plant-management", ""),
    ("maintenance", "Maintenance", 2, "support-management", "Mechanical and electrical."),
    ("quality", "Quality", 2, "support-management", "Quality engineering and the lab."),
    ("it", "IT & Systems", 2, "support-management", "Shop-floor systems and networks."),
    ("line-1-day", "Assembly Line 1 – Day Shift", 1, "assembly-supervisors", ""),
    ("line-1-night", "Assembly Line 1 – Night Shift", 1, "assembly-supervisors", ""),
    ("line-2-day", "Assembly Line 2 – Day Shift", 1, "assembly-supervisors", ""),
    ("packaging-a", "Packaging Line A", 1, "packaging-supervisors", ""),
    ("packaging-b", "Packaging Line B", 1, "packaging-supervisors", ""),
    ("warehouse", "Warehouse & Dispatch", 1, "packaging-supervisors", ""),
]

# The people the README names, one per role: username, display name, team, role.
KEY_PEOPLE = [
    ("helen", "Helen Carter", "executive", "lead"),
    ("marcus", "Marcus Webb", "plant-management", "lead"),
    ("sofia", "Sofia Nguyen", "assembly-supervisors", "lead"),
    ("tom", "Tom Baker", "line-1-day", "member"),
    ("amira", "Amira Haddad", "line-1-day", "lead"),
    ("priya", "Priya Shah", "maintenance", "lead"),
    ("olga", "Olga Petrova", "ci-coe", "lead"),
]

FIRST = ["James", "Maria", "Liam", "Chloe", "Noah", "Grace", "Ethan", "Isla", "Jacob", "Ava",
         "Lucas", "Mia", "Oscar", "Zara", "Leo", "Ella", "Ravi", "Anya", "Kofi", "Nina",
         "Samir", "Hana", "Diego", "Freya", "Yusuf", "Lena", "Connor", "Aisha", "Mateo", "Ruth",
         "Ben", "Ingrid", "Kai", "Rosa", "Dev", "Eva", "Felix", "Maya", "Owen", "Tara"]
LAST = ["Smith", "Jones", "Patel", "Kowalski", "Murphy", "Okafor", "Silva", "Brown", "Khan",
        "Novak", "Walsh", "Rossi", "Evans", "Ahmed", "Lindqvist", "Garcia", "Hughes", "Mensah",
        "Wright", "Costa"]


def seed() -> dict:
    rng = random.Random(20261123)
    tiers = {}
    for level, name, huddle, limit, aging, ack, resolve in TIERS:
        tiers[level], _ = Tier.objects.update_or_create(
            level=level,
            defaults=dict(name=name, huddle_time=huddle, authority_limit=limit,
                          aging_threshold_days=aging, sla_ack_hours=ack,
                          sla_resolve_hours=resolve),
        )
    teams: dict[str, Team] = {}
    for slug, name, level, parent, description in TEAMS:
        teams[slug], _ = Team.objects.update_or_create(
            slug=slug,
            defaults=dict(name=name, tier=tiers[level], parent=teams.get(parent) if parent else None,
                          description=description, active=True),
        )

    admin, created = User.objects.get_or_create(
        username="admin",
        defaults=dict(display_name="Ada Admin", email="admin@riverside.example", is_staff=True,
                      is_superuser=True),
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()

    def person(username: str, display: str) -> User:
        user, made = User.objects.get_or_create(
            username=username,
            defaults=dict(display_name=display, email=f"{username}@riverside.example",
                          first_name=display.split()[0], last_name=display.split()[-1]),
        )
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def join(user: User, slug: str, role: str) -> None:
        Membership.objects.get_or_create(user=user, team=teams[slug], defaults={"role": role})

    for username, display, slug, role in KEY_PEOPLE:
        join(person(username, display), slug, role)

    # Everyone else: each front-line team gets 5-6 members and a lead; each lead above tier 1
    # also sits in the team they report to (the linking pin of tiered management).
    names = [(f, ln) for f in FIRST for ln in LAST]
    rng.shuffle(names)
    name_iter = iter(names)
    for slug, _name, level, _parent, _ in TEAMS:
        team = teams[slug]
        size = {1: 6, 2: 3, 3: 2, 4: 3}[level]
        have = Membership.objects.filter(team=team).count()
        while have < size:
            first, last = next(name_iter)
            username = f"{first}.{last}".lower()
            if User.objects.filter(username=username).exists():
                continue
            role = "lead" if not Membership.objects.filter(team=team, role="lead").exists() else "member"
            join(person(username, f"{first} {last}"), slug, role)
            have += 1
    for slug, _name, _level, parent, _ in TEAMS:
        if parent:
            for lead in User.objects.filter(memberships__team=teams[slug], memberships__role="lead"):
                join(lead, parent, "member")
    return {"tiers": tiers, "teams": teams, "admin": admin, "rng": rng}


def demo_logins() -> list[tuple[str, str]]:
    """(username, what they show) for the README and `make run`'s banner."""
    return [
        ("tom", "front-line member, Assembly Line 1 – Day Shift"),
        ("amira", "team lead, Assembly Line 1 – Day Shift"),
        ("sofia", "supervisor, lead of Assembly Supervisors (tier 2)"),
        ("priya", "lead of Maintenance (tier 2 support team)"),
        ("marcus", "manager, Riverside Plant Management (tier 3)"),
        ("helen", "executive, Executive Leadership Team (tier 4)"),
        ("olga", "lead of the CI Centre of Excellence"),
        ("admin", "administrator (Django admin)"),
    ]


def first_lead(team: Team) -> User | None:
    """The team's first lead (by membership), who acts for the team in the demo data."""
    m = (Membership.objects.filter(team=team, role=Membership.Role.LEAD)
         .select_related("user").order_by("pk").first())
    return m.user if m else None
