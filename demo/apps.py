from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and its loaders (``manage.py load_demo``). No models: it only imports the apps."""

    name = "demo"
    label = "demo"
    verbose_name = "Demo data"
