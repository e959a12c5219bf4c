"""Digital badges: image checks and the generated default (`images`), baking and extraction (`baking`), and the
badge artefact the issuing pipeline stores (`artefact`)."""
