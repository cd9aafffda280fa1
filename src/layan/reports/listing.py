"""Long lists of reports at a province's scale: a page costs about the same at ten thousand reports or a million.

- The count above a list stops at :data:`COUNT_CAP` ("lebih dari 1000 laporan"). Counting every one of a million
  reports costs seconds on PostgreSQL, and even counting the first 10,000 matches of a filter (spread over the
  whole table: one random heap read each) took 0.3-0.7 s; a thousand cost a tenth of it, and 40 pages of 25 are
  more than anyone turns before narrowing the filter.
- The staff inbox puts overdue reports first. Ordering every report in scope by "is it overdue?" sorts them all on
  each page view; :class:`OverdueFirst` asks for the overdue ones, then the others, each in created order, so each
  query walks the ``created_at`` index and stops after one page.
"""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 1000


def capped_count(queryset, cap: int | None = None) -> tuple[int, bool]:
    """(the number of rows, or ``cap`` (default :data:`COUNT_CAP`) when there are more; whether it was capped)."""
    cap = COUNT_CAP if cap is None else cap
    if not hasattr(queryset, "order_by"):  # a plain list
        found = len(queryset)
    else:
        found = queryset.order_by()[: cap + 1].count()
    return (cap, True) if found > cap else (found, False)


class CappedPaginator(Paginator):
    """A paginator whose count stops at :data:`COUNT_CAP`; ``capped`` says the list is longer than the count."""

    capped = False

    @cached_property
    def count(self):
        counter = getattr(self.object_list, "capped_count", None)
        count, self.capped = counter() if counter is not None else capped_count(self.object_list)
        return count


class OverdueFirst:
    """The reports of ``queryset`` with the overdue ones (``overdue``: a condition on reports, e.g.
    ``services.overdue_now()``) first, each part oldest first, as one sliceable list for :class:`CappedPaginator`.

    Where the overdue part ends is only counted when a slice reaches past it: a city has tens of thousands of
    overdue reports, and counting them costs more than reading the page."""

    ordered = True

    def __init__(self, queryset, overdue):
        self.queryset = queryset
        self.overdue = queryset.filter(overdue).order_by("created_at", "pk")
        self.others = queryset.filter(~overdue).order_by("created_at", "pk")

    def capped_count(self) -> tuple[int, bool]:
        return capped_count(self.queryset)

    def __len__(self):
        return self.capped_count()[0]

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        items = self._slice(self.overdue, start, stop)
        if len(items) == stop - start:
            return items
        # the overdue part ends before ``stop``: inside this slice, or (none found) at or before ``start``
        first = start + len(items) if items else capped_count(self.overdue, cap=start)[0]
        return items + self._slice(self.others, max(start - first, 0), stop - first)

    def _slice(self, ordered, start: int, stop: int) -> list:
        """Rows ``start:stop`` of ``ordered`` in two steps: their ids in order (a sort of narrow rows), then those
        rows with their related rows and prefetches. In one query PostgreSQL joined the related tables to every
        candidate (the 3,000 waiting reports of a busy agency) before keeping 25 of them."""
        ids = list(ordered.values_list("pk", flat=True)[start:stop])
        found = {report.pk: report for report in self.queryset.filter(pk__in=ids)} if ids else {}
        return [found[pk] for pk in ids]
