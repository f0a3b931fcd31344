"""Audit features: series across years, prose against tables, diagnosis of arithmetic
findings, stable finding ids and the HTML report. Each module has one job."""
