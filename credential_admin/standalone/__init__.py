"""The standalone runtime: runs the blocks outside Open edX for the demo and the tests (DESIGN.md "Standalone mode")."""
