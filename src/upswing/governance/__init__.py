"""The client's side: contracts with SLA schedules, breaches against allowable failures,
corrective action plans, monthly reports and vendors compared."""
