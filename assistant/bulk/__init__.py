"""Bulk work: a portfolio of accounts triaged, documents drafted and checked, message logs audited, on Ray."""
