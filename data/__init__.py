"""Sample data: the generator (``data.generator``) and the committed small set (``data/sample``)."""
