"""Settings: ``base`` holds everything environment-driven, ``demo`` (the default) and ``production`` adjust it."""
