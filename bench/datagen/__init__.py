"""The pieces of the data generator (``python -m bench.generate``): the shape of real data read at run time
(``shape``), the texts (``texts``), the reference data (``reference``), one report's history (``history``) and the
fast writer (``writer``)."""
