"""The study across structures: scores related to the review's coverage, the evaluation and its
metrics, predictions for every drug x mutation, the ABL1 and EGFR benchmarks, mutant models
against mutant crystals, and the advice for a patient's mutation."""
