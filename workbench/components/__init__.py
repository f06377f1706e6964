"""Reusable workbench widgets that several pages embed."""
