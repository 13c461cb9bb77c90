"""Escalation when patterns appear: repeat or high-risk missing raises a task for a person.

The rules (rules.py) read their thresholds from the settings; each escalation raised is a
task with an owner and a due date, closed with an outcome (services.py).
"""
