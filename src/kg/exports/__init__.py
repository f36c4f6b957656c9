"""Exports of the built graph to other publishing formats: CSV on the Web tables, IATI 2.03 activities,
an open.canada.ca metadata record. Each module is pure (graph in, text or dict out); ``kg.exports.files``
writes them into a build.
"""
