from django.db import models


class WorkerLease(models.Model):
    """A running ``layan worker`` of the database queue and how long it is known to be alive. The worker renews
    it every third of ``LAYAN_TASK_LEASE_SECONDS``; a task marked running by a worker whose lease expired (the
    worker was killed, e.g. by the out-of-memory killer) is queued again (``layan.ops.leases``)."""

    worker_id = models.CharField(max_length=64, primary_key=True)  # the id django-tasks-db records on its tasks
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    renewed_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "worker lease"

    def __str__(self):
        return f"{self.worker_id} until {self.expires_at:%H:%M:%S}"
