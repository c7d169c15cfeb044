from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Not the product: the demo organisation (`seed_demo`, `demo_logins`), the load generator
    (`generate_load`) and the benchmarks behind `make bench`. Installed everywhere (the commands
    run in the production image too); nothing in the product imports it."""

    name = "devtools"
    verbose_name = "Developer tools"
