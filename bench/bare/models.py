from django.db import models


class BareReport(models.Model):
    """One row per request of the bare view: the baseline a report's intake is compared with."""

    title = models.CharField(max_length=200)
    description = models.TextField()
    created_at = models.DateTimeField()

    def __str__(self):
        return self.title
