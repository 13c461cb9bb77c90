"""The pieces every page is built from: GOV.UK form fields, paging and template tags.

A bottom layer: it knows Django and the clock, and no Homeward app.
"""
