"""The parts of `make mutate` (bench/mutate.py): the changes, and running them inside pytest."""
