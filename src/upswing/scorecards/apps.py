from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    name = "upswing.scorecards"
    label = "scorecards"
