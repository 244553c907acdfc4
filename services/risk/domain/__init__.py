"""The risk service's domain: pure decisions, time passed in."""
