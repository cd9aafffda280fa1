from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Layan in production: health and readiness, Prometheus metrics, JSON logs, the read-replica router,
    the production server command (``layan serve``) and the task-queue helpers shared by ``layan worker``."""

    name = "layan.ops"
    label = "ops"
    verbose_name = "Operasional"

    def ready(self):
        from . import metrics

        metrics.connect_signals()
