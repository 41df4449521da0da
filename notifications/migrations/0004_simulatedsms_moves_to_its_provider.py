"""The SMS simulator's model moves into its own provider package (app ``sms_simulator``).

State only: the table ``notifications_simulatedsms`` stays where it is and keeps its rows; the
``sms_simulator`` app's first migration takes the model over under the same table name.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_message_context")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SimulatedSms")],
            database_operations=[],
        )
    ]
