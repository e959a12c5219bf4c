"""The demo site: the standalone runtime with a seeded course and learners (README "Quick start")."""
