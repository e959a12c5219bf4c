"""The companion Django app: configurations, issuing, verification, Learning Paths, the standalone runtime."""
