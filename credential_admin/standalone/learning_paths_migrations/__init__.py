"""learning-paths-plugin's tables for the standalone runtime on PostgreSQL, generated from its models (see
MIGRATION_MODULES in credential_admin.standalone.settings)."""
