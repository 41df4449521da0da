"""Takes over the model and its existing table from the notifications app (state only)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("notifications", "0004_simulatedsms_moves_to_its_provider")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SimulatedSms",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("reference", models.UUIDField(unique=True, verbose_name="mã tham chiếu của Cổng")),
                        ("provider_message_id", models.CharField(max_length=100, unique=True, verbose_name="mã tin của nhà mạng")),
                        ("to", models.CharField(max_length=20, verbose_name="số nhận")),
                        ("text", models.TextField(verbose_name="nội dung")),
                        ("submissions", models.PositiveIntegerField(default=1, help_text="Số lần Cổng gửi cùng mã tham chiếu này.", verbose_name="số lần gửi")),
                        ("outcome", models.CharField(max_length=20, verbose_name="kết quả mô phỏng")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="tạo lúc")),
                    ],
                    options={
                        "verbose_name": "SMS mô phỏng",
                        "verbose_name_plural": "SMS mô phỏng (môi trường thử)",
                        "db_table": "notifications_simulatedsms",
                        "ordering": ["-created_at"],
                    },
                )
            ],
            database_operations=[],
        )
    ]
