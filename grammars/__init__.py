"""The template editions as data: one JSON file per edition (see README in this folder)."""
