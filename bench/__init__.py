"""Benchmarks (`make bench`): not a Django app, a plain package run from the command line."""
