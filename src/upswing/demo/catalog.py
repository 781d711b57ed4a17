"""The fixed world of the demo: clients, programs, channels, topics, QA forms, names.

Everything random is drawn elsewhere from these constants, so the demo reads like a real
vendor operation: a telco with care and tech-support programs, an insurer with claims.
"""

from __future__ import annotations

from dataclasses import dataclass

VENDOR_DOMAIN = "northstar-bpo.example"


@dataclass(frozen=True, slots=True)
class Criterion:
    name: str
    category: str  # the behavior
    max_points: int
    critical: bool = False


@dataclass(frozen=True, slots=True)
class ChannelProfile:
    channel: str
    share: float
    handle_median: float  # seconds
    wait_median: float | None  # seconds; None: the export has no wait for this channel
    abandon_rate: float


@dataclass(frozen=True, slots=True)
class Program:
    program_id: str
    name: str
    client_name: str
    time_zone: str
    service_level_seconds: int
    channels: tuple[ChannelProfile, ...]
    topics: tuple[tuple[str, float], ...]  # (topic, share); shares sum to 1
    shift_starts: tuple[int, ...]  # local hours at which 8-hour shifts start
    teams: int
    team_prefix: str
    names: str  # key into NAMES
    qa_form: tuple[Criterion, ...]
    evaluators: tuple[str, ...]

    @property
    def topic_names(self) -> tuple[str, ...]:
        return tuple(t for t, _ in self.topics)


GREETING = Criterion("Greets and introduces self", "greeting", 10)
VERIFICATION = Criterion("Verifies the customer's identity", "verification", 15)
EMPATHY = Criterion("Acknowledges the customer's situation", "empathy", 15)
RESOLUTION = Criterion("Resolves the issue correctly", "resolution", 25)
DOCUMENTATION = Criterion("Documents the case fully", "documentation", 15)
DISCLOSURES = Criterion("Reads mandatory disclosures", "compliance", 20, critical=True)

TELCO_FORM = (GREETING, VERIFICATION, EMPATHY, RESOLUTION, DOCUMENTATION, DISCLOSURES)
TECH_FORM = (
    Criterion("Greets and introduces self", "greeting", 5),
    Criterion("Verifies the account holder", "verification", 10),
    Criterion("Listens and restates the problem", "empathy", 10),
    Criterion("Follows the troubleshooting flow", "resolution", 20),
    Criterion("Confirms the fix with the customer", "resolution", 15),
    Criterion("Offers self-service for next time", "resolution", 5),
    Criterion("Documents steps and outcome", "documentation", 15),
    Criterion("Follows data-protection rules", "compliance", 20, critical=True),
)
CLAIMS_FORM = (
    Criterion("Greets and introduces self", "greeting", 5),
    Criterion("Verifies policy and identity", "verification", 10),
    Criterion("Acknowledges the customer's situation", "empathy", 20),
    Criterion("Keeps a warm and courteous tone", "empathy", 15),
    Criterion("Handles the claim correctly", "resolution", 15),
    Criterion("Documents the claim file", "documentation", 10),
    Criterion("States regulatory disclosures", "compliance", 25, critical=True),
)
BENCH_FORM = TELCO_FORM

PROGRAMS: tuple[Program, ...] = (
    Program(
        "P-TCARE",
        "Telco Customer Care",
        "Meridian Telecom",
        "America/New_York",
        20,
        (
            ChannelProfile("voice", 0.70, 420, 7, 0.05),
            ChannelProfile("chat", 0.24, 600, 9, 0.03),
            ChannelProfile("email", 0.06, 330, None, 0.0),
        ),
        (
            ("billing", 0.34),
            ("plan_change", 0.18),
            ("device", 0.14),
            ("roaming", 0.09),
            ("cancellation", 0.10),
            ("network", 0.12),
            ("retention", 0.03),
        ),
        (7, 8, 9, 11, 12),
        8,
        "Care",
        "us",
        TELCO_FORM,
        ("dana.whitfield", "marcus.bell", "priya.raman"),
    ),
    Program(
        "P-TTECH",
        "Telco Technical Support",
        "Meridian Telecom",
        "Asia/Manila",
        20,
        (
            ChannelProfile("voice", 0.55, 540, 7, 0.06),
            ChannelProfile("chat", 0.35, 720, 9, 0.04),
            ChannelProfile("email", 0.10, 420, None, 0.0),
        ),
        (
            ("connectivity", 0.32),
            ("router_setup", 0.18),
            ("device_setup", 0.16),
            ("sim_activation", 0.12),
            ("outage_report", 0.10),
            ("speed", 0.12),
        ),
        (6, 8, 10, 14, 15),
        7,
        "Tech",
        "ph",
        TECH_FORM,
        ("jasmine.reyes", "carlo.mendoza"),
    ),
    Program(
        "P-CLAIMS",
        "Insurance Claims Service",
        "Atlantica Insurance",
        "Europe/Lisbon",
        30,
        (
            ChannelProfile("voice", 0.50, 600, 11, 0.05),
            ChannelProfile("email", 0.30, 480, None, 0.0),
            ChannelProfile("chat", 0.20, 660, 13, 0.03),
        ),
        (
            ("claim_status", 0.34),
            ("new_claim", 0.22),
            ("documents", 0.16),
            ("payment", 0.14),
            ("policy_change", 0.14),
        ),
        (8, 9, 10),
        5,
        "Claims",
        "pt",
        CLAIMS_FORM,
        ("ines.carvalho", "rui.teixeira"),
    ),
)

TEAM_WORDS = (
    "Atlas", "Beacon", "Comet", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Iris",
    "Juniper", "Kestrel", "Lumen", "Mosaic", "Nova", "Orion", "Pioneer", "Quartz", "Ridge",
    "Summit", "Tide",
)  # fmt: skip

NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "us": (
        (
            "James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "William", "Linda",
            "David", "Elizabeth", "Joseph", "Susan", "Charles", "Jessica", "Thomas", "Sarah",
            "Daniel", "Karen", "Matthew", "Nancy", "Anthony", "Lisa", "Andre", "Keisha",
            "Luis", "Maria", "Kevin", "Ashley", "Brian", "Emily", "Tyrone", "Megan",
        ),
        (
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
            "Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas",
            "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
            "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen",
        ),
    ),
    "ph": (
        (
            "Maria", "Jose", "Juan", "Ana", "Mark", "Angelica", "John Paul", "Kristine",
            "Jerome", "Mary Grace", "Christian", "Joanna", "Rommel", "Liza", "Paolo", "Camille",
            "Jericho", "Bea", "Miguel", "Patricia", "Ramon", "Nicole", "Joshua", "Erika",
        ),
        (
            "Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres",
            "Tomas", "Andrada", "Castillo", "Flores", "Villanueva", "Ramos", "Castro",
            "Rivera", "Aquino", "Navarro", "Salazar", "Mercado", "Dela Cruz", "Gonzales",
        ),
    ),
    "pt": (
        (
            "João", "Maria", "Ana", "Pedro", "Tiago", "Inês", "Beatriz", "Rui", "Catarina",
            "Miguel", "Sofia", "Diogo", "Mariana", "Francisco", "Joana", "Nuno", "Rita",
            "Gonçalo", "Marta", "André",
        ),
        (
            "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues",
            "Martins", "Jesus", "Sousa", "Fernandes", "Gonçalves", "Gomes", "Lopes", "Marques",
            "Alves", "Almeida", "Ribeiro", "Pinto", "Carvalho",
        ),
    ),
}  # fmt: skip
