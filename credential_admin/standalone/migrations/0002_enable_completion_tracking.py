"""Turn on edx-completion's tracking switch: BlockCompletion.submit_completion raises while it is off."""
from django.db import migrations

SWITCH = "completion.enable_completion_tracking"


def enable(apps, schema_editor):
    Switch = apps.get_model("waffle", "Switch")
    Switch.objects.update_or_create(name=SWITCH, defaults={"active": True})


class Migration(migrations.Migration):
    dependencies = [
        ("credential_standalone", "0001_initial"),
        ("waffle", "0001_initial"),
    ]

    operations = [migrations.RunPython(enable, migrations.RunPython.noop)]
