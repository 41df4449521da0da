from django.db import migrations

import core.fields


def fill(apps, schema_editor):
    from procedures.links import refresh

    refresh(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0007_fee_items_presence_declaration_components"),
    ]

    operations = [
        migrations.AddField(
            model_name="procedure",
            name="agency_ids",
            field=core.fields.IntegerListField(verbose_name="mã các cơ quan thực hiện"),
        ),
        migrations.AddField(
            model_name="procedure",
            name="event_ids",
            field=core.fields.IntegerListField(verbose_name="mã các sự kiện"),
        ),
        migrations.AddField(
            model_name="procedure",
            name="sector_ids",
            field=core.fields.IntegerListField(verbose_name="mã các lĩnh vực"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
