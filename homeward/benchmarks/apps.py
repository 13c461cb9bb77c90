from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "homeward.benchmarks"
    label = "benchmarks"
    verbose_name = "Published comparators (DfE, ONS)"
