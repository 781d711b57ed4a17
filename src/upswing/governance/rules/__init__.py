"""The client's governance decisions as pure functions: contract terms, breaches against the
allowable failures, service credits, corrective action plan checks."""
