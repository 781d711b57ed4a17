from django.db import migrations

from upswing.feedback.defaults import CORE_QUESTIONS, CORE_TEMPLATE_NAME


def create(apps, schema_editor):
    template = apps.get_model("feedback", "QuestionTemplate")
    template.objects.get_or_create(name=CORE_TEMPLATE_NAME, defaults={"questions": CORE_QUESTIONS})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
