"""A scorecard template in its JSON shape, for rule and page tests."""

from __future__ import annotations

import copy


def template_data(**changes) -> dict:
    data = {
        "name": "Claims voice QA",
        "categories": [
            {"key": "courtesy", "label": "Courtesy"},
            {"key": "accuracy", "label": "Accuracy"},
            {"key": "security", "label": "Security"},
        ],
        "sections": [
            {
                "key": "opening",
                "label": "Opening",
                "criteria": [
                    {
                        "key": "greet",
                        "label": "Greets by name",
                        "weight": 10,
                        "category": "courtesy",
                    },
                    {
                        "key": "verify",
                        "label": "Verifies identity",
                        "weight": 20,
                        "critical": "evaluation",
                        "category": "security",
                        "sop": {"reference": "SOP-ID-4", "version": "2"},
                    },
                ],
            },
            {
                "key": "resolution",
                "label": "Resolution",
                "criteria": [
                    {
                        "key": "diagnose",
                        "label": "Finds the cause",
                        "weight": 40,
                        "max_points": 4,
                        "category": "accuracy",
                        "sop": {"reference": "SOP-CL-12", "version": "3"},
                    },
                    {
                        "key": "policy",
                        "label": "States the policy terms",
                        "weight": 20,
                        "critical": "section",
                        "allow_na": True,
                        "category": "accuracy",
                    },
                    {
                        "key": "recap",
                        "label": "Recaps next steps",
                        "weight": 10,
                        "allow_na": True,
                        "category": "courtesy",
                    },
                    {
                        "key": "delight",
                        "label": "Goes beyond",
                        "weight": 5,
                        "bonus": True,
                        "allow_na": True,
                        "category": "courtesy",
                    },
                ],
            },
        ],
    }
    data = copy.deepcopy(data)
    data.update(changes)
    return data


def all_met(**overrides) -> dict:
    points = {"greet": 1, "verify": 1, "diagnose": 4, "policy": 1, "recap": 1, "delight": None}
    points.update(overrides)
    return points
