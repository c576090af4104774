"""Speed and memory figures of DESIGN.md §8: ``python -m benchmarks [--smoke]``."""
