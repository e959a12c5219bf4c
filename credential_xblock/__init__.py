"""XBlocks (Credential, Optional) and the pure rules engine of credential-xblock."""
