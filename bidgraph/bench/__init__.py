"""Benchmarks: figures printed by ``bidgraph bench …``, never timed assertions."""
