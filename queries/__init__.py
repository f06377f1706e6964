"""The saved-query library: built-in detectors (``queries/*.cypher``, trusted) and the
analysts' own saved queries (``settings.user_query_dir``), in one format."""
