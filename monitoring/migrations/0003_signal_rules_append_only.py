from decimal import Decimal

from django.db import migrations

from core.append_only import AppendOnly

# signal: (threshold yuan, risk, high multiple, visit within days, signal valid days)
DEFAULT_RULES = {
    "illness": (Decimal("20000"), "medium", Decimal("2.5"), 7, 180),
    "disability": (None, "medium", None, 15, 180),
    "schooling": (Decimal("5000"), "low", Decimal("2"), 15, 365),
    "unemployment": (None, "medium", None, 15, 180),
    "disaster": (Decimal("10000"), "high", None, 5, 90),
    "earner_death": (None, "high", None, 5, 180),
    "missed_aid": (None, "medium", None, 15, 365),
}


def load_rules(apps, schema_editor):
    SignalRule = apps.get_model("monitoring", "SignalRule")
    for signal, (threshold, risk, multiple, due, window) in DEFAULT_RULES.items():
        SignalRule.objects.get_or_create(
            signal=signal,
            defaults={
                "threshold": threshold,
                "risk": risk,
                "high_multiple": multiple,
                "due_days": due,
                "window_days": window,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_warning_links")]

    operations = [
        migrations.RunPython(load_rules, migrations.RunPython.noop),
        AppendOnly("monitoring_warningevent"),
    ]
