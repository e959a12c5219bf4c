"""JSON API for the learner dashboard / MFE: a learner's credentials."""
