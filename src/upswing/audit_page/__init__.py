"""The audit log's page: who may browse which events (each feature's reach), the filters and
the table. The log itself (`upswing.audit`) sits under every feature and imports none."""
