"""The multi-agency Children at Risk of Child Exploitation and Missing panel.

Its meetings, the children each discusses (with the panel's risk rating) and the actions
agreed, each with an owner and a due date.
"""
