"""The question template every install starts with (a data migration creates it)."""

AGREE = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]
SCALE = {"low": 1, "high": 5, "labels": AGREE}

CORE_TEMPLATE_NAME = "Core contact-center behaviours"
CORE_QUESTIONS = [
    {"key": "listens", "text": "Listens to customers and colleagues before answering.",
     "kind": "rating", "scale": SCALE},
    {"key": "owns", "text": "Owns a problem until it is solved or handed over clearly.",
     "kind": "rating", "scale": SCALE},
    {"key": "shares", "text": "Shares knowledge and helps teammates.",
     "kind": "rating", "scale": SCALE},
    {"key": "calm", "text": "Stays calm and respectful with difficult contacts.",
     "kind": "rating", "scale": SCALE},
    {"key": "keep", "text": "What should this person keep doing?", "kind": "text"},
    {"key": "change", "text": "What could this person do differently?", "kind": "text"},
]  # fmt: skip
